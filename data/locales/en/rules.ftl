# The texts of findings (expected, actual, explanation) and of coverage reasons, in English.
# Variables: dates and date-times are written by the program in the language's style;
# $cite is the policy and clause as explanations name it (`JOINING S4.1`).

## Shared pieces

days = { $n ->
    [1] 1 day
   *[other] { $n } days
}
working-days = { $n ->
    [1] 1 working day
   *[other] { $n } working days
}
nth-working-day = { NUMBER($n, type: "ordinal") ->
    [one] { $n }st
    [two] { $n }nd
    [few] { $n }rd
   *[other] { $n }th
} working day
elapsed = { $hours } h { $minutes } min
holidays = { " " }({ $text })
list-comma = { ", " }
list-and = { " and " }
list-semicolon = { "; " }
# A ticket's coded value in a sentence (cause, decision, service type, freight payer).
value = { $word }

## Coverage reasons (why a rule could not be evaluated)

unknown-blank = no { $column }
unknown-no-time = { $column } has no time
unknown-calendar = calendar does not cover { $year }
unknown-calendar-missing = calendar not loaded
unknown-no-warranty-start = no warranty start date
unknown-exclusion = exclusion unknown: { $column } blank
unknown-return-condition = return condition unknown: { $column } blank

## review-sla.*

review-promise = applied { $applied } and { $cite } promises a review within { $hours } hours
review-expected = reviewed within { $hours } hours of { $applied }
review-late-actual = reviewed_at { $until }
review-late-explanation = Reviewed { $until }, { $elapsed } after applying ({ $late } hours over): { $promise }.
review-overdue-actual = not reviewed at as-of { $until }
review-overdue-explanation = Not reviewed by the as-of { $until }, { $elapsed } after applying ({ $late } hours over): { $promise }.

## Working-day deadlines (refund-cycle.late / overdue, turnaround.*)

# $kind: refund, exchange or repair.
deadline-start = { $kind ->
    [refund] goods were put into storage
    [exchange] the returned goods were put into storage
   *[repair] the repair was approved
}
deadline-done = { $kind ->
    [refund] Refunded
    [exchange] Exchange shipped
   *[repair] Repaired
}
deadline-pending = { $kind ->
    [refund] Not refunded
    [exchange] Exchange not shipped
   *[repair] Not repaired
}
deadline-because = { $start_phrase } on { $start } and { $cite } allows { $allowed }{ $holidays }
deadline-expected = { $action } by { $deadline } ({ $nth } after { $start })
deadline-late-actual = { $action } { $done }
deadline-late-explanation = { $done_phrase } { $done }, { $late_days } after the deadline { $deadline }: { $because }.
deadline-overdue-actual = { $action } blank at as-of { $as_of }
deadline-overdue-explanation = { $pending_phrase } by the as-of date { $as_of }, { $late_days } after the deadline { $deadline }: { $because }.

## refund-cycle.early / before-receipt

refund-early-expected = refunded_at from { $earliest } ({ $nth } after { $received })
refund-early-actual = refunded_at { $refunded }
refund-early-explanation = Refunded { $refunded }, before { $earliest }: goods were put into storage on { $received } and { $cite } describes a cycle of { $from }–{ $to } working days{ $holidays }.
refund-before-receipt-expected = refunded_at on or after received_at { $received }
refund-before-receipt-actual = refunded_at { $refunded }
refund-before-receipt-explanation = Refunded { $refunded }, before the goods were put into storage on { $received }; { $cite } counts the refund cycle from storage.

## turnaround.received-after-close / unpaid-held

close-expected = received_at by { $close }
close-actual = received_at { $received }
close-explanation = Received { $received }, { $late_days } after { $close }: applied { $applied } and { $cite } closes an application whose device has not arrived within { $limit } days.
held-expected = paid or returned to the customer by { $end }
held-actual = unpaid and held at as-of { $as_of }
held-explanation = Still held unpaid at the as-of date { $as_of }, { $late_days } after { $end }: the quote was sent { $quoted } and { $cite } returns equipment unpaid for more than { $period }.
period = { $unit ->
    [months] { $n ->
        [1] 1 month
       *[other] { $n } months
    }
   *[days] { $n ->
        [1] 1 day
       *[other] { $n } days
    }
}
period-adjective = { $unit ->
    [months] { $n }-month
   *[days] { $n }-day
}

## data.timeline-inconsistent

timeline-before-applied = { $column } { $value } is before applied_at { $applied }
timeline-applied-before-delivered = applied_at { $applied } is before delivered_at { $delivered }
timeline-expected = delivered_at ≤ applied_at ≤ reviewed_at, received_at, refunded_at
timeline-explanation = The export's timeline is out of order: { $problems }.

## freight.*

freight-breakdown-deducted = { $deducted } deducted from the refund
freight-breakdown-both = { $deducted } deducted from the refund + { $paid } paid on a prepaid parcel
freight-burden-expected = customer freight burden 0.00
freight-burden-actual = customer freight burden { $burden }
freight-quality-explanation = The customer bore { $burden } of return freight ({ $breakdown }) on a { $cause } ticket, although { $cite } has the company bear it.
freight-deducted = freight_deducted { $amount }
freight-mismatch-explanation = Deducted { $deducted } from the refund of a no-reason return sent freight-collect with { $courier }, but { $cite } sets the deduction at exactly { $expected } ({ $difference } { $direction ->
    [over] over-charged
   *[under] under-recovered
}).
freight-prepaid-expected = freight_deducted 0.00 (prepaid parcel)
freight-prepaid-explanation = Deducted { $deducted } freight from the refund of a no-reason return the customer had already sent prepaid; { $cite } provides a deduction only on freight-collect returns.
freight-return-leg-expected = return_freight_charged 0.00
freight-return-leg-actual = return_freight_charged { $charged }
freight-return-leg-explanation = Charged the customer { $charged } for sending the item back, although { $cite } has the company pay the company→customer leg.
freight-not-recovered-expected = freight_payer customer
freight-not-recovered-actual = freight_payer company
freight-amount-known = the { $amount } freight
freight-amount-unknown = the freight
freight-why-all = the customer bears the inbound freight
freight-why-cause = the customer bears the inbound freight for cause { $cause }
freight-not-recovered-explanation = The company bore { $amount } of the customer's parcel, but under { $cite } { $why }.
freight-collect-expected = freight_payment prepaid (no payment on delivery)
freight-collect-actual = freight_payment collect, parcel received
freight-collect-explanation = A freight-collect parcel was accepted on { $received }, although { $cite } accepts no payment on delivery.

## eligibility.*

window-what = { $what ->
    [return] return
   *[exchange] exchange
}
window-started-delivered = the goods were signed for on { $start }
window-started-other = { $column } was { $start }
window-counting = { $counting ->
    [inclusive] that day counting as day 1
   *[after] after that day
}
window-expected = { $what } applied by { $last }
window-actual = applied { $applied }
window-explanation = The { $what } was applied for on { $applied }, { $late_days } after the last allowed date { $last }: { $started } and { $cite } allows { $window_days }, { $counting }.
condition-failed = { $check ->
    [damaged] the item is damaged
    [incomplete] the package is incomplete
   *[activated] the device was activated
}
condition-expected = return conditions met
condition-explanation = A no-reason return was refunded although { $failed }, which { $cite } does not allow.
free-service = { $decision ->
    [exchange] a free replacement (exchange)
   *[other] a free repair
}
out-of-warranty-expected = applied by { $last } for free service
out-of-warranty-actual = { $decision } granted, applied { $applied }
out-of-warranty-explanation = Granted { $service } on an application of { $applied }, { $late_days } after the warranty's last covered date { $last }: { $cover } ({ $cite }), and no return or exchange window was open.
excluded-expected = no free service under an exclusion
excluded-actual = { $decision } granted with { $excluded }
excluded-explanation = Granted { $service } although an exclusion of { $cite } applies ({ $excluded }).
exclusion-cause = cause { $cause }
exclusion-flag = { $column } { $value }
charged-fee-unknown = a fee
charged-expected = free repair
charged-actual = paid repair, repair_fee { $fee }
charged-explanation = Charged { $fee } for a quality repair applied for on { $applied }, within the warranty ({ $cover }) and with no exclusion, where { $cite } provides free repair.
rejected-basis-window = within the window ending { $last }
rejected-basis-warranty = within the warranty ({ $cover })
rejected-expected = { $asked } granted
rejected-actual = rejected
rejected-explanation = Rejected a quality { $asked } request applied for on { $applied }, { $basis } and with no exclusion, which { $cite } grants.
model-expected = exchange_sku { $sku }
model-actual = exchange_sku { $exchange_sku }
model-explanation = Sent { $exchange_sku } in exchange for { $sku }, although { $cite } exchanges for the same model, specification and colour.
shipment-expected = customer_shipped_at by { $last }
shipment-actual = customer_shipped_at { $shipped }
shipment-explanation = Refunded although the customer shipped the item on { $shipped }, { $late_days } after { $last }: the return was confirmed on { $reviewed } and { $cite } refuses returns not sent within { $limit } days.

## The warranty in words

warranty-term = the { $period } warranty from { $column } { $start } ends { $last }
warranty-term-at-latest = the { $period } warranty from { $column } { $start } ({ $unknown }) ends { $last } at the latest
warranty-and = { " and " }
warranty-extension = the { $period } extension after the repair returned { $returned } ends { $last }

## Ticket columns as texts name them

field-ticket_id = ticket_id
field-policy = policy
field-order_id = order_id
field-sku = sku
field-exchange_sku = exchange_sku
field-product_category = product_category
field-store = store
field-agent = agent
field-courier = courier
field-service_type = service_type
field-cause = cause
field-decision = decision
field-package_complete = package_complete
field-appearance_damaged = appearance_damaged
field-activated = activated
field-proof_of_purchase = proof_of_purchase
field-label_tampered = label_tampered
field-unauthorized_repair = unauthorized_repair
field-authorized_channel = authorized_channel
field-purchased_overseas = purchased_overseas
field-remote_area = remote_area
field-factory_shipped_at = factory_shipped_at
field-purchased_at = purchased_at
field-delivered_at = delivered_at
field-activated_at = activated_at
field-applied_at = applied_at
field-reviewed_at = reviewed_at
field-customer_shipped_at = customer_shipped_at
field-received_at = received_at
field-refunded_at = refunded_at
field-exchange_shipped_at = exchange_shipped_at
field-repair_approved_at = repair_approved_at
field-repaired_at = repaired_at
field-quote_notified_at = quote_notified_at
field-paid_at = paid_at
field-returned_to_customer_at = returned_to_customer_at
field-last_repair_returned_at = last_repair_returned_at
field-order_amount = order_amount
field-refund_amount = refund_amount
field-repair_fee = repair_fee
field-freight_amount = freight_amount
field-freight_payer = freight_payer
field-freight_payment = freight_payment
field-freight_deducted = freight_deducted
field-return_freight_charged = return_freight_charged

## Calendars: the holidays between two dates

calendar-describe = { $calendar } calendar: { $parts }
calendar-day = { $mm }-{ $dd }
calendar-separator = { ", " }
calendar-span = { $first }…{ $last }
calendar-makeup-day = { $span } a make-up working day
calendar-makeup-days = { $span } make-up working days
calendar-holiday = { $name } holiday { $span }

## data.duplicate-ticket

duplicate-expected = each ticket_id once
duplicate-actual = ticket_id { $ticket } seen again
duplicate-explanation = Ticket { $ticket } appears again in { $file } row { $row }; the first row with this id was audited and this one was not.
