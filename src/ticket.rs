//! The after-sales ticket as the audit sees it: canonical columns, typed values, and where it came from.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
/// The ticket's texts (ids, codes, names): up to 24 bytes held inline, longer ones on the heap.
/// Nearly every text of an export fits, so a ticket is read without allocating for them.
pub use compact_str::CompactString;
use rust_decimal::Decimal;

/// A point in time as the export wrote it. Exports mix dates, local datetimes and
/// datetimes with an offset; a value without an offset is local to the policy's timezone,
/// which is only known once the ticket's policy is resolved, so the offset is applied late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum When {
    /// A date only: rules that need hours call it not evaluable.
    Date(NaiveDate),
    /// A date and time without an offset: local time of the policy's timezone.
    Local(NaiveDateTime),
    /// A date and time with an explicit offset.
    Fixed(DateTime<FixedOffset>),
}

impl When {
    /// The local calendar date of this value in `tz`.
    pub fn date_in(&self, tz: Tz) -> NaiveDate {
        match self {
            When::Date(date) => *date,
            When::Local(local) => local.date(),
            When::Fixed(fixed) => fixed.with_timezone(&tz).date_naive(),
        }
    }

    /// The instant, when the value has a time of day.
    pub fn instant_in(&self, tz: Tz) -> Option<DateTime<Utc>> {
        match self {
            When::Date(_) => None,
            When::Local(local) => tz
                .from_local_datetime(local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
            When::Fixed(fixed) => Some(fixed.with_timezone(&Utc)),
        }
    }

    /// True when the value carries a time of day.
    pub fn has_time(&self) -> bool {
        !matches!(self, When::Date(_))
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            When::Local(local) => write!(f, "{}", local.format("%Y-%m-%d %H:%M:%S")),
            When::Fixed(fixed) => write!(f, "{}", fixed.format("%Y-%m-%d %H:%M:%S%:z")),
        }
    }
}

macro_rules! value_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling used in files and reports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the canonical spelling (exactly; aliases live in ingest).
            pub fn from_canonical(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::from_canonical(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} `{}` (expected one of: {})",
                        stringify!($name),
                        text,
                        [$($text),+].join(", ")
                    ))
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

value_enum!(
    /// What the customer asked for.
    ServiceType {
        /// Send the item back for a refund (退货 / 退款).
        Return => "return",
        /// Send the item back for another one (换货).
        Exchange => "exchange",
        /// Have the item repaired, in or out of warranty (维修).
        Repair => "repair",
    }
);
value_enum!(
    /// Why the customer asked.
    Cause {
        /// The customer changed their mind; nothing is wrong with the item (七天无理由).
        NoReason => "no_reason",
        /// A defect or performance failure of the item itself (质量问题).
        Quality => "quality",
        /// Damaged, lost, wrong or missing in shipping to the customer (物流损坏, 错发, 漏发).
        Logistics => "logistics",
        /// Damage the customer caused: a drop, liquid, misuse (人为损坏).
        ManMade => "man_made",
        /// Damage from events nobody controls, such as fire or flood (不可抗力).
        ForceMajeure => "force_majeure",
        /// Wear or scratches that do not affect function (外观磨损).
        Cosmetic => "cosmetic",
        /// The device was sent in for a software upgrade, not for a fault (软件升级).
        Software => "software",
    }
);
value_enum!(
    /// What was granted. A blank decision is pending (`None` on the ticket).
    Decision {
        /// The money was refunded (退款).
        Refund => "refund",
        /// An exchange item was sent (换货).
        Exchange => "exchange",
        /// Repaired at no charge, as warranty (免费维修).
        FreeRepair => "free_repair",
        /// Repaired for a fee the customer pays (付费维修).
        PaidRepair => "paid_repair",
        /// The application was refused (驳回).
        Rejected => "rejected",
    }
);
value_enum!(
    /// Who finally bore the customer→company freight.
    FreightPayer {
        /// The customer bore it in the end (paid and was not reimbursed).
        Customer => "customer",
        /// The company bore it: paid it itself or reimbursed the customer.
        Company => "company",
    }
);
value_enum!(
    /// How the customer→company parcel was paid.
    FreightPayment {
        /// The sender (the customer) paid the courier on sending (寄付).
        Prepaid => "prepaid",
        /// The receiver (the company) paid the courier on delivery (到付).
        Collect => "collect",
    }
);

/// Where a ticket row came from: index into the run's inputs, and the spreadsheet row
/// number (header = row 1, first ticket = row 2, when the header is the sheet's first row).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Source {
    /// Position of the input file among the run's inputs (0-based, in command-line order).
    pub input: usize,
    /// The sheet's own 1-based row number, counting any title rows above the header.
    pub row: u64,
}

/// One after-sales ticket with every canonical column typed. `None` means blank (unknown),
/// except for event timestamps, where blank means the event has not happened, and
/// `decision`, where blank means pending.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ticket {
    /// The ticket's id in the exporting system (工单号); never blank: a row without one is rejected.
    pub ticket_id: CompactString,
    /// The policy text as found in the row (id or alias); resolved by the audit.
    pub policy: Option<CompactString>,
    /// The sales order the item was bought in (订单号).
    pub order_id: Option<CompactString>,
    /// Code of the item sold (商品编码).
    pub sku: Option<CompactString>,
    /// Code of the item sent out as the exchange (换货商品编码); differs from `sku` when a different
    /// model was sent.
    pub exchange_sku: Option<CompactString>,
    /// The kind of product, e.g. phone, watch, accessory (品类); picks the warranty length where a
    /// policy varies by category.
    pub product_category: Option<CompactString>,
    /// The shop or sales channel the order came from (店铺), after the mapping's `[names.store]`.
    pub store: Option<CompactString>,
    /// The customer-service agent who handled the ticket (客服), after the mapping's `[names.agent]`.
    pub agent: Option<CompactString>,
    /// Carrier of the customer→company parcel (快递公司), after the mapping's `[names.courier]`.
    pub courier: Option<CompactString>,

    /// What the customer asked for: return, exchange or repair.
    pub service_type: Option<ServiceType>,
    /// Why the customer asked: the after-sales reason.
    pub cause: Option<Cause>,
    /// What was granted; `None` while the ticket is pending.
    pub decision: Option<Decision>,

    /// Packaging, accessories, gifts and manuals all came back with the item.
    pub package_complete: Option<bool>,
    /// The item came back worn, scratched or damaged on the outside.
    pub appearance_damaged: Option<bool>,
    /// The device had been activated or used.
    pub activated: Option<bool>,
    /// The customer provided a valid invoice or other proof of purchase.
    pub proof_of_purchase: Option<bool>,
    /// Labels, serial number or warranty sticker torn, altered or missing.
    pub label_tampered: Option<bool>,
    /// The item was opened or repaired by a party the maker has not authorised.
    pub unauthorized_repair: Option<bool>,
    /// The item was bought through an authorised sales channel.
    pub authorized_channel: Option<bool>,
    /// The item was bought abroad.
    pub purchased_overseas: Option<bool>,
    /// The customer's address is in a remote area; the rules read `None` as not remote (exports
    /// mark only remote addresses).
    pub remote_area: Option<bool>,

    /// Date the item left the factory or seller (出厂日期): where a warranty starts when no purchase
    /// date can be used.
    pub factory_shipped_at: Option<NaiveDate>,
    /// Purchase or invoice date (购买日期).
    pub purchased_at: Option<NaiveDate>,
    /// Date the customer received (signed for) the goods (签收日期): day 1 of the return and exchange
    /// windows.
    pub delivered_at: Option<NaiveDate>,
    /// Date the device was activated (激活日期).
    pub activated_at: Option<NaiveDate>,
    /// Date an earlier out-of-warranty repair was sent back (上次维修寄还日期), which extends the warranty;
    /// `None` means no earlier repair.
    pub last_repair_returned_at: Option<NaiveDate>,

    /// When the customer submitted the after-sales application (申请时间); windows and warranty are
    /// judged on its date.
    pub applied_at: Option<When>,
    /// When the application got its first review decision (审核时间); `None`: not reviewed yet.
    pub reviewed_at: Option<When>,
    /// When the customer sent the item in (寄回时间); `None`: not sent yet.
    pub customer_shipped_at: Option<When>,
    /// When the returned goods were complete and put into storage at the warehouse or service
    /// centre (入库时间); `None`: not received yet.
    pub received_at: Option<When>,
    /// When the refund was issued, not when it reached the bank account (退款时间); `None`: not
    /// refunded yet.
    pub refunded_at: Option<When>,
    /// When the exchange item was sent out (换货发出时间); `None`: not sent yet.
    pub exchange_shipped_at: Option<When>,
    /// When the repair was confirmed or its quote accepted (维修确认时间): the repair clock starts here;
    /// `None`: not yet.
    pub repair_approved_at: Option<When>,
    /// When the repair was finished (维修完成时间); `None`: not finished yet.
    pub repaired_at: Option<When>,
    /// When the paid-repair quote was sent to the customer (报价通知时间); `None`: not sent yet.
    pub quote_notified_at: Option<When>,
    /// When the customer paid for the repair (付款时间); `None`: not paid yet.
    pub paid_at: Option<When>,
    /// When the device was sent back to the customer (寄还时间); `None`: not sent back yet.
    pub returned_to_customer_at: Option<When>,

    /// Price paid for the item (订单金额), in the export's currency.
    pub order_amount: Option<Decimal>,
    /// Money refunded to the customer (退款金额).
    pub refund_amount: Option<Decimal>,
    /// Fee the customer is charged for the repair (维修费).
    pub repair_fee: Option<Decimal>,
    /// Courier cost of the customer→company parcel (运费金额).
    pub freight_amount: Option<Decimal>,
    /// Who finally bore the cost of the customer→company parcel.
    pub freight_payer: Option<FreightPayer>,
    /// How the customer→company parcel was paid to the courier: by the sender or on delivery.
    pub freight_payment: Option<FreightPayment>,
    /// Shipping fee deducted from the refund (退款扣除运费); `None` leaves the freight burden not
    /// evaluable.
    pub freight_deducted: Option<Decimal>,
    /// Amount charged to the customer for the company→customer parcel (回寄运费).
    pub return_freight_charged: Option<Decimal>,

    /// The input file and row the ticket was read from.
    pub source: Source,
    /// Values of the columns named by `--keep-columns`, in that order.
    pub kept: Vec<String>,
}

/// The kind of value a canonical column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: an id, a code or a name.
    Text,
    /// A [`ServiceType`] value or one of its aliases.
    ServiceType,
    /// A [`Cause`] value or one of its aliases.
    Cause,
    /// A [`Decision`] value or one of its aliases.
    Decision,
    /// A [`FreightPayer`] value or one of its aliases.
    FreightPayer,
    /// A [`FreightPayment`] value or one of its aliases.
    FreightPayment,
    /// Yes or no: `true`/`false`, `yes`/`no`, `1`/`0`, `是`/`否`, boolean cells.
    Bool,
    /// A calendar date; a time of day in the cell is dropped.
    Date,
    /// A date and time, kept as a [`When`] (a date alone is accepted).
    DateTime,
    /// A non-negative amount of money as an exact decimal (`¥1,234.50`, `20元`).
    Money,
}

macro_rules! columns {
    ($($variant:ident => $name:literal, $title:literal, $kind:ident, [$($zh:literal),*];)+) => {
        /// The canonical columns of TICKETS.md.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Column {
            $(
                #[doc = concat!("`", $name, "`: see [`Ticket::", $name, "`].")]
                $variant
            ),+
        }

        impl Column {
            /// Every column, in the order of TICKETS.md.
            pub const ALL: &'static [Column] = &[$(Column::$variant),+];

            /// The canonical (snake_case) name.
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name),+ }
            }

            /// The column's header in the workbook: words, not the snake_case name
            /// (`applied_at` is headed "Applied at"). The one place a column's English
            /// title is written.
            pub fn title(self) -> &'static str {
                match self { $(Column::$variant => $title),+ }
            }

            /// The value kind.
            pub fn kind(self) -> Kind {
                match self { $(Column::$variant => Kind::$kind),+ }
            }

            /// The Chinese headers Chinese ticket systems export for this column.
            pub fn chinese_headers(self) -> &'static [&'static str] {
                match self { $(Column::$variant => &[$($zh),*]),+ }
            }

            /// Looks a column up by its canonical name (exact).
            pub fn from_name(name: &str) -> Option<Column> {
                match name { $($name => Some(Column::$variant),)+ _ => None }
            }
        }
    };
}

columns! {
    TicketId => "ticket_id", "Ticket", Text, ["工单号"];
    Policy => "policy", "Policy", Text, ["政策", "品牌"];
    OrderId => "order_id", "Order ID", Text, ["订单号"];
    Sku => "sku", "SKU", Text, ["商品编码"];
    ExchangeSku => "exchange_sku", "Exchange SKU", Text, ["换货商品编码"];
    ProductCategory => "product_category", "Product category", Text, ["品类"];
    Store => "store", "Store", Text, ["店铺"];
    Agent => "agent", "Agent", Text, ["客服"];
    Courier => "courier", "Courier", Text, ["快递公司"];
    ServiceType => "service_type", "Service type", ServiceType, ["服务类型"];
    Cause => "cause", "Cause", Cause, ["售后原因"];
    Decision => "decision", "Decision", Decision, ["处理结果"];
    PackageComplete => "package_complete", "Package complete", Bool, ["包装完整"];
    AppearanceDamaged => "appearance_damaged", "Appearance damaged", Bool, ["外观损坏"];
    Activated => "activated", "Activated", Bool, ["已激活"];
    ProofOfPurchase => "proof_of_purchase", "Proof of purchase", Bool, ["购买凭证"];
    LabelTampered => "label_tampered", "Label tampered", Bool, ["标签涂改"];
    UnauthorizedRepair => "unauthorized_repair", "Unauthorized repair", Bool, ["非授权维修"];
    AuthorizedChannel => "authorized_channel", "Authorized channel", Bool, ["授权渠道"];
    PurchasedOverseas => "purchased_overseas", "Purchased overseas", Bool, ["海外购买"];
    RemoteArea => "remote_area", "Remote area", Bool, ["偏远地区"];
    FactoryShippedAt => "factory_shipped_at", "Factory shipped at", Date, ["出厂日期"];
    PurchasedAt => "purchased_at", "Purchased at", Date, ["购买日期"];
    DeliveredAt => "delivered_at", "Delivered at", Date, ["签收日期"];
    ActivatedAt => "activated_at", "Activated at", Date, ["激活日期"];
    AppliedAt => "applied_at", "Applied at", DateTime, ["申请时间"];
    ReviewedAt => "reviewed_at", "Reviewed at", DateTime, ["审核时间"];
    CustomerShippedAt => "customer_shipped_at", "Customer shipped at", DateTime, ["寄回时间"];
    ReceivedAt => "received_at", "Received at", DateTime, ["入库时间"];
    RefundedAt => "refunded_at", "Refunded at", DateTime, ["退款时间"];
    ExchangeShippedAt => "exchange_shipped_at", "Exchange shipped at", DateTime, ["换货发出时间"];
    RepairApprovedAt => "repair_approved_at", "Repair approved at", DateTime, ["维修确认时间"];
    RepairedAt => "repaired_at", "Repaired at", DateTime, ["维修完成时间"];
    QuoteNotifiedAt => "quote_notified_at", "Quote notified at", DateTime, ["报价通知时间"];
    PaidAt => "paid_at", "Paid at", DateTime, ["付款时间"];
    ReturnedToCustomerAt => "returned_to_customer_at", "Returned to customer at", DateTime, ["寄还时间"];
    LastRepairReturnedAt => "last_repair_returned_at", "Last repair returned at", Date, ["上次维修寄还日期"];
    OrderAmount => "order_amount", "Order amount", Money, ["订单金额"];
    RefundAmount => "refund_amount", "Refund amount", Money, ["退款金额"];
    RepairFee => "repair_fee", "Repair fee", Money, ["维修费"];
    FreightAmount => "freight_amount", "Freight amount", Money, ["运费金额"];
    FreightPayer => "freight_payer", "Freight payer", FreightPayer, ["运费承担方"];
    FreightPayment => "freight_payment", "Freight payment", FreightPayment, ["寄件方式"];
    FreightDeducted => "freight_deducted", "Freight deducted", Money, ["退款扣除运费"];
    ReturnFreightCharged => "return_freight_charged", "Return freight charged", Money, ["回寄运费"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_values_take_the_policy_timezone() {
        let local = NaiveDate::from_ymd_opt(2026, 10, 1)
            .unwrap()
            .and_hms_opt(0, 30, 0)
            .unwrap();
        let when = When::Local(local);
        let instant = when.instant_in(chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(instant.to_rfc3339(), "2026-09-30T16:30:00+00:00");
        assert_eq!(
            when.date_in(chrono_tz::Asia::Shanghai),
            local.date(),
            "a local value's date is its own date"
        );
    }

    #[test]
    fn fixed_values_are_dated_in_the_policy_timezone() {
        let fixed = DateTime::parse_from_rfc3339("2026-09-30T20:00:00+00:00").unwrap();
        let when = When::Fixed(fixed);
        assert_eq!(
            when.date_in(chrono_tz::Asia::Shanghai),
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        );
        assert!(when.has_time());
        assert!(!When::Date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).has_time());
    }

    #[test]
    fn every_column_name_round_trips() {
        for column in Column::ALL {
            assert_eq!(Column::from_name(column.name()), Some(*column));
            assert!(!column.chinese_headers().is_empty(), "{column:?}");
            let title = column.title();
            assert!(
                !title.contains('_') && title.starts_with(|c: char| c.is_ascii_uppercase()),
                "{column:?}: {title}"
            );
        }
        assert_eq!(Column::ALL.len(), 45);
    }
}
