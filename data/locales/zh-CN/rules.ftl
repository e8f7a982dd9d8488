# 问题明细（应为、实际、说明）与无法审核原因的文字，简体中文。
# 日期由程序按“2025年10月13日”格式写入；$cite 为政策及条款（如“JOINING S4.1”）。

## 通用

days = { $n }天
working-days = { $n }个工作日
nth-working-day = 第{ $n }个工作日
elapsed = { $hours }小时{ $minutes }分钟
holidays = （{ $text }）
list-comma = 、
list-and = 、
list-semicolon = ；
value = { $word ->
    [return] 退货
    [exchange] 换货
    [repair] 维修
    [no_reason] 无理由
    [quality] 质量问题
    [logistics] 物流问题
    [man_made] 人为损坏
    [force_majeure] 不可抗力
    [cosmetic] 外观问题
    [software] 软件问题
    [refund] 退款
    [free_repair] 免费维修
    [paid_repair] 付费维修
    [rejected] 拒绝
    [customer] 客户
    [company] 公司
    [prepaid] 寄付
    [collect] 到付
    [true] 是
    [false] 否
   *[other] { $word }
}

## 无法审核的原因

unknown-blank = 缺少{ $column }
unknown-no-time = { $column }没有具体时间
unknown-calendar = 工作日历未覆盖{ $year }年
unknown-calendar-missing = 未加载工作日历
unknown-no-warranty-start = 无保修起算日期
unknown-exclusion = 无法判断除外情形：{ $column }为空
unknown-return-condition = 无法判断退货条件：{ $column }为空

## review-sla.*

review-promise = 申请时间为{ $applied }，{ $cite }承诺{ $hours }小时内完成审核
review-expected = { $applied }申请后{ $hours }小时内审核
review-late-actual = 审核时间为{ $until }
review-late-explanation = { $until }才审核，距申请已{ $elapsed }（超时{ $late }小时）：{ $promise }。
review-overdue-actual = 截至审计时点{ $until }仍未审核
review-overdue-explanation = 截至审计时点{ $until }仍未审核，距申请已{ $elapsed }（超时{ $late }小时）：{ $promise }。

## 工作日时限（refund-cycle.late / overdue，turnaround.*）

deadline-start = { $kind ->
    [refund] 商品入库
    [exchange] 退回商品入库
   *[repair] 维修确认
}
deadline-done = { $kind ->
    [refund] 退款
    [exchange] 换货发出
   *[repair] 维修完成
}
deadline-pending = { $kind ->
    [refund] 仍未退款
    [exchange] 换货仍未发出
   *[repair] 仍未维修完成
}
deadline-because = { $start }{ $start_phrase }，{ $cite }规定{ $allowed }内完成{ $holidays }
deadline-expected = { $action }不晚于{ $deadline }（{ $start }后{ $nth }）
deadline-late-actual = { $action }为{ $done }
deadline-late-explanation = { $done }{ $done_phrase }，截止日为{ $deadline }，逾期{ $late_days }：{ $because }。
deadline-overdue-actual = 截至审计日{ $as_of }，{ $action }仍为空
deadline-overdue-explanation = 截至审计日{ $as_of }{ $pending_phrase }，截止日为{ $deadline }，已逾期{ $late_days }：{ $because }。

## refund-cycle.early / before-receipt

refund-early-expected = 退款时间不早于{ $earliest }（{ $received }后{ $nth }）
refund-early-actual = 退款时间为{ $refunded }
refund-early-explanation = { $refunded }即已退款，早于{ $earliest }：商品于{ $received }入库，{ $cite }规定的退款周期为{ $from }–{ $to }个工作日{ $holidays }。
refund-before-receipt-expected = 退款时间不早于入库时间{ $received }
refund-before-receipt-actual = 退款时间为{ $refunded }
refund-before-receipt-explanation = { $refunded }即已退款，早于商品入库时间{ $received }；{ $cite }的退款周期自入库起算。

## turnaround.received-after-close / unpaid-held

close-expected = 入库时间不晚于{ $close }
close-actual = 入库时间为{ $received }
close-explanation = { $received }才入库，比期限{ $close }晚{ $late_days }：申请日期为{ $applied }，{ $cite }规定申请后{ $limit }天内设备未寄达即关闭申请。
held-expected = { $end }前付款或寄还客户
held-actual = 截至审计日{ $as_of }仍未付款、设备仍在扣留
held-explanation = 截至审计日{ $as_of }仍未付款、设备仍在扣留，比期限{ $end }晚{ $late_days }：报价已于{ $quoted }通知客户，{ $cite }规定超过{ $period }未付款即将设备寄还。
period = { $unit ->
    [months] { $n }个月
   *[days] { $n }天
}
period-adjective = { $unit ->
    [months] { $n }个月
   *[days] { $n }天
}

## data.timeline-inconsistent

timeline-before-applied = { $column }{ $value }早于申请时间{ $applied }
timeline-applied-before-delivered = 申请时间{ $applied }早于签收日期{ $delivered }
timeline-expected = 签收日期 ≤ 申请时间 ≤ 审核时间、入库时间、退款时间
timeline-explanation = 导出数据的时间顺序有误：{ $problems }。

## freight.*

freight-breakdown-deducted = 退款中扣除{ $deducted }
freight-breakdown-both = 退款中扣除{ $deducted }，另寄付运费{ $paid }
freight-burden-expected = 客户承担运费 0.00
freight-burden-actual = 客户承担运费 { $burden }
freight-quality-explanation = { $cause }工单由客户承担了{ $burden }退货运费（{ $breakdown }），而{ $cite }规定由公司承担。
freight-deducted = 扣除运费 { $amount }
freight-mismatch-explanation = 无理由退货经{ $courier }到付寄回，退款中扣除运费{ $deducted }，但{ $cite }规定应扣除{ $expected }（{ $direction ->
    [over] 多扣
   *[under] 少扣
}{ $difference }）。
freight-prepaid-expected = 扣除运费 0.00（寄付包裹）
freight-prepaid-explanation = 无理由退货客户已寄付，仍从退款中扣除运费{ $deducted }；{ $cite }仅对到付退货扣除运费。
freight-return-leg-expected = 向客户收取回寄运费 0.00
freight-return-leg-actual = 向客户收取回寄运费 { $charged }
freight-return-leg-explanation = 向客户收取了回寄运费{ $charged }，而{ $cite }规定公司寄回客户一程的运费由公司承担。
freight-not-recovered-expected = 运费由客户承担
freight-not-recovered-actual = 运费由公司承担
freight-amount-known = { $amount }运费
freight-amount-unknown = 运费
freight-why-all = 客户寄回的运费由客户承担
freight-why-cause = 售后原因为{ $cause }时，客户寄回的运费由客户承担
freight-not-recovered-explanation = 公司承担了客户寄回包裹的{ $amount }，但按{ $cite }，{ $why }。
freight-collect-expected = 寄付（不接受到付）
freight-collect-actual = 到付，包裹已签收
freight-collect-explanation = { $received }签收了到付包裹，而{ $cite }不接受到付。

## eligibility.*

window-what = { $what ->
    [return] 退货
   *[exchange] 换货
}
window-started-delivered = 商品于{ $start }签收
window-started-other = { $column }为{ $start }
window-counting = { $counting ->
    [inclusive] 当天计为第1天
   *[after] 自次日起算
}
window-expected = { $what }申请不晚于{ $last }
window-actual = 申请日期为{ $applied }
window-explanation = { $applied }才申请{ $what }，最后期限为{ $last }，晚了{ $late_days }：{ $started }，{ $cite }规定{ $window_days }内可申请（{ $counting }）。
condition-failed = { $check ->
    [damaged] 商品外观损坏
    [incomplete] 包装不完整
   *[activated] 设备已激活
}
condition-expected = 符合退货条件
condition-explanation = 无理由退货已退款，但{ $failed }，{ $cite }不允许退货。
free-service = { $decision ->
    [exchange] 免费换货
   *[other] 免费维修
}
out-of-warranty-expected = 免费服务须不晚于{ $last }申请
out-of-warranty-actual = 申请日期为{ $applied }，仍予{ $decision }
out-of-warranty-explanation = 申请日期为{ $applied }，保修期最后一天为{ $last }，已超出{ $late_days }，仍给予{ $service }：{ $cover }（{ $cite }），且不在任何退货或换货期内。
excluded-expected = 属于除外情形，不提供免费服务
excluded-actual = { $excluded }，仍予{ $decision }
excluded-explanation = 属于{ $cite }的除外情形（{ $excluded }），仍给予{ $service }。
exclusion-cause = 售后原因为{ $cause }
exclusion-flag = { $column }：{ $value }
charged-fee-unknown = 费用
charged-expected = 免费维修
charged-actual = 付费维修，维修费 { $fee }
charged-explanation = 质量问题维修于{ $applied }申请，在保修期内（{ $cover }）且无除外情形，{ $cite }规定应免费维修，却收取了{ $fee }。
rejected-basis-window = 在{ $last }截止的申请期内
rejected-basis-warranty = 在保修期内（{ $cover }）
rejected-expected = 应同意{ $asked }
rejected-actual = 已拒绝
rejected-explanation = 拒绝了{ $applied }申请的质量问题{ $asked }，该申请{ $basis }且无除外情形，{ $cite }规定应予受理。
model-expected = 换货商品编码 { $sku }
model-actual = 换货商品编码 { $exchange_sku }
model-explanation = 原商品为{ $sku }，换货发出的却是{ $exchange_sku }，而{ $cite }规定只换同型号、同规格、同颜色的商品。
shipment-expected = 客户寄回不晚于{ $last }
shipment-actual = 客户寄回时间为{ $shipped }
shipment-explanation = 客户于{ $shipped }才寄回商品，比期限{ $last }晚{ $late_days }，仍予退款：退货于{ $reviewed }审核通过，{ $cite }规定未在{ $limit }天内寄回的退货不予受理。

## 保修期说明

warranty-term = 自{ $column }{ $start }起{ $period }保修期至{ $last }止
warranty-term-at-latest = 自{ $column }{ $start }起{ $period }保修期（{ $unknown }）最迟至{ $last }止
warranty-and = ；
warranty-extension = 维修寄还（{ $returned }）后{ $period }延保期至{ $last }止

## 工单字段名称

field-ticket_id = 工单号
field-policy = 政策
field-order_id = 订单号
field-sku = 商品编码
field-exchange_sku = 换货商品编码
field-product_category = 品类
field-store = 店铺
field-agent = 客服
field-courier = 快递公司
field-service_type = 服务类型
field-cause = 售后原因
field-decision = 处理结果
field-package_complete = 包装完整
field-appearance_damaged = 外观损坏
field-activated = 已激活
field-proof_of_purchase = 购买凭证
field-label_tampered = 标签涂改
field-unauthorized_repair = 非授权维修
field-authorized_channel = 授权渠道
field-purchased_overseas = 海外购买
field-remote_area = 偏远地区
field-factory_shipped_at = 出厂日期
field-purchased_at = 购买日期
field-delivered_at = 签收日期
field-activated_at = 激活日期
field-applied_at = 申请时间
field-reviewed_at = 审核时间
field-customer_shipped_at = 寄回时间
field-received_at = 入库时间
field-refunded_at = 退款时间
field-exchange_shipped_at = 换货发出时间
field-repair_approved_at = 维修确认时间
field-repaired_at = 维修完成时间
field-quote_notified_at = 报价通知时间
field-paid_at = 付款时间
field-returned_to_customer_at = 寄还时间
field-last_repair_returned_at = 上次维修寄还日期
field-order_amount = 订单金额
field-refund_amount = 退款金额
field-repair_fee = 维修费
field-freight_amount = 运费金额
field-freight_payer = 运费承担方
field-freight_payment = 寄件方式
field-freight_deducted = 退款扣除运费
field-return_freight_charged = 回寄运费

## 工作日历：两个日期之间的节假日

calendar-describe = { $calendar }日历：{ $parts }
calendar-day = { $m }月{ $d }日
calendar-separator = ，
calendar-span = { $first }至{ $last }
calendar-makeup-day = { $span }调休上班
calendar-makeup-days = { $span }调休上班
calendar-holiday = { $name }放假{ $span }

## data.duplicate-ticket

duplicate-expected = 每个工单号只出现一次
duplicate-actual = 工单号 { $ticket } 重复出现
duplicate-explanation = 工单 { $ticket } 在 { $file } 第{ $row }行再次出现；已审核首次出现的那一行，此行未审核。
