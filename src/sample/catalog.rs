//! The names a sample export is made of: policies as brands write them, products, stores,
//! agents and couriers, with the Chinese spelling a Chinese ticket system would export.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

/// One of the five shipped policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Brand {
    Joining,
    Changkong,
    Xinji,
    HandsetOem,
    RepairService,
}

impl Brand {
    pub(super) const ALL: [Brand; 5] = [
        Brand::Joining,
        Brand::Changkong,
        Brand::Xinji,
        Brand::HandsetOem,
        Brand::RepairService,
    ];

    /// How exports spell the policy column: the id itself in some case, or the brand name
    /// in capitals (`JOINING`, `XINJI`), which matches the id case-insensitively.
    fn spellings(self) -> &'static [&'static str] {
        match self {
            Brand::Joining => &["JOINING", "JOINING", "joining"],
            Brand::Changkong => &["Changkong", "Changkong", "changkong"],
            Brand::Xinji => &["XINJI", "XINJI", "xinji"],
            Brand::HandsetOem => &["handset-oem"],
            Brand::RepairService => &["repair-service"],
        }
    }

    /// The id of its policy file.
    pub(super) fn policy_id(self) -> &'static str {
        match self {
            Brand::Joining => "joining",
            Brand::Changkong => "changkong",
            Brand::Xinji => "xinji",
            Brand::HandsetOem => "handset-oem",
            Brand::RepairService => "repair-service",
        }
    }

    /// What the brand charges for the company→customer leg where its policy lets it charge.
    pub(super) fn return_leg_fee(self, rng: &mut ChaCha8Rng) -> Decimal {
        let yuan = match self {
            Brand::Changkong => *pick(rng, &[10, 12]),
            Brand::HandsetOem if rng.random_bool(0.4) => 15,
            _ => 0,
        };
        Decimal::new(yuan * 100, 2)
    }

    pub(super) fn spelling(self, rng: &mut ChaCha8Rng) -> String {
        pick(rng, self.spellings()).to_string()
    }

    fn products(self) -> &'static [Product] {
        match self {
            Brand::Joining => JOINING_PRODUCTS,
            Brand::Changkong => CHANGKONG_PRODUCTS,
            Brand::Xinji => XINJI_PRODUCTS,
            Brand::HandsetOem => HANDSET_OEM_PRODUCTS,
            Brand::RepairService => REPAIR_SERVICE_PRODUCTS,
        }
    }

    /// A product of this brand with a colour (and storage where it has one).
    pub(super) fn product(self, rng: &mut ChaCha8Rng) -> Item {
        let product = *pick(rng, self.products());
        let colour = pick(rng, &["BLK", "WHT", "BLU", "GRN", "GRY"]);
        let (sku, price) = if product.storage {
            let (storage, extra) = *pick(rng, &[(128u32, 0i64), (256, 300), (512, 800)]);
            (
                format!("{}-{colour}-{storage}", product.model),
                product.price + extra,
            )
        } else {
            (format!("{}-{colour}", product.model), product.price)
        };
        Item {
            sku,
            category: product.category,
            price: Decimal::new(price * 100, 2),
        }
    }
}

/// A thing sold: SKU, category, and the price paid (whole yuan, two decimals).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    pub sku: String,
    pub category: &'static str,
    pub price: Decimal,
}

#[derive(Debug, Clone, Copy)]
struct Product {
    model: &'static str,
    category: &'static str,
    price: i64,
    storage: bool,
}

const fn product(
    model: &'static str,
    category: &'static str,
    price: i64,
    storage: bool,
) -> Product {
    Product {
        model,
        category,
        price,
        storage,
    }
}

const JOINING_PRODUCTS: &[Product] = &[
    product("JN-P60", "phone", 2999, true),
    product("JN-P60PRO", "phone", 3999, true),
    product("JN-N12", "phone", 1499, true),
    product("JN-T11", "tablet", 2299, true),
    product("JN-W3", "watch", 999, false),
    product("JN-B2", "earbuds", 399, false),
    product("JN-CHG65", "accessory", 129, false),
];

const CHANGKONG_PRODUCTS: &[Product] = &[
    product("CK-E5", "earbuds", 199, false),
    product("CK-E7PRO", "earbuds", 349, false),
    product("CK-W1", "watch", 299, false),
    product("CK-PB20", "accessory", 159, false),
    product("CK-HUB7", "accessory", 89, false),
];

const XINJI_PRODUCTS: &[Product] = &[
    product("XJ-W7", "watch", 799, false),
    product("XJ-W9PRO", "watch", 1299, false),
    product("XJ-KIDS4", "watch", 599, false),
    product("XJ-BUDS", "earbuds", 299, false),
    product("XJ-STRAP", "accessory", 59, false),
];

const HANDSET_OEM_PRODUCTS: &[Product] = &[
    product("HO-X200", "phone", 1199, true),
    product("HO-X300", "phone", 1699, true),
    product("HO-T8", "tablet", 999, true),
    product("HO-BAT45", "accessory", 89, false),
];

const REPAIR_SERVICE_PRODUCTS: &[Product] = &[
    product("RS-N5", "phone", 2499, true),
    product("RS-PAD", "tablet", 1999, true),
    product("RS-BAND", "watch", 399, false),
    product("RS-POD", "earbuds", 299, false),
    product("RS-DOCK", "accessory", 99, false),
];

/// Shops and channels, English spelling first, Chinese second.
pub(super) const STORES: &[(&str, &str)] = &[
    ("Tmall Flagship Store", "天猫旗舰店"),
    ("JD Self-operated", "京东自营"),
    ("Official Site", "官网商城"),
    ("Douyin Flagship Store", "抖音旗舰店"),
    ("Pinduoduo Official Store", "拼多多官方店"),
    ("Offline Store Shenzhen", "深圳线下门店"),
];

/// Customer-service agents.
pub(super) const AGENTS: &[(&str, &str)] = &[
    ("Li Wei", "李伟"),
    ("Zhang Min", "张敏"),
    ("Wang Fang", "王芳"),
    ("Liu Yang", "刘洋"),
    ("Chen Jing", "陈静"),
    ("Yang Lei", "杨磊"),
    ("Zhao Li", "赵丽"),
    ("Huang Tao", "黄涛"),
];

/// Couriers of the customer→company parcel.
pub(super) const COURIERS: &[(&str, &str)] = &[
    ("SF Express", "顺丰速运"),
    ("ZTO Express", "中通快递"),
    ("YTO Express", "圆通速递"),
    ("Yunda", "韵达"),
    ("EMS", "EMS"),
    ("JD Logistics", "京东物流"),
];

/// Index of the SF courier in [`COURIERS`].
pub(super) const SF: usize = 0;

/// The Chinese spelling of a store, agent or courier name (the name itself when unknown).
pub(super) fn chinese(name: &str) -> &str {
    STORES
        .iter()
        .chain(AGENTS)
        .chain(COURIERS)
        .find(|(english, _)| *english == name)
        .map_or(name, |(_, zh)| zh)
}

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A courier that is not SF.
pub(super) fn non_sf_courier(rng: &mut ChaCha8Rng) -> &'static str {
    COURIERS[rng.random_range(1..COURIERS.len())].0
}

/// Any courier, SF about a quarter of the time.
pub(super) fn courier(rng: &mut ChaCha8Rng) -> &'static str {
    if rng.random_bool(0.25) {
        COURIERS[SF].0
    } else {
        non_sf_courier(rng)
    }
}

/// What a parcel cost, whole yuan: SF costs more.
pub(super) fn freight_cost(rng: &mut ChaCha8Rng, courier: &str) -> Decimal {
    let yuan = if courier == COURIERS[SF].0 {
        rng.random_range(18..=28)
    } else {
        rng.random_range(8..=16)
    };
    Decimal::new(yuan * 100, 2)
}

/// A 16-digit order number.
pub(super) fn order_id(rng: &mut ChaCha8Rng) -> String {
    let head: u64 = rng.random_range(1_000_000..10_000_000);
    let tail: u64 = rng.random_range(0..1_000_000_000);
    format!("{head}{tail:09}")
}
