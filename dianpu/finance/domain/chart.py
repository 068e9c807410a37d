"""The chart of accounts (科目表): codes, names, their kind and where they land in the P&L.

Money received through a gateway waits in that gateway's clearing account (`clearing.<gateway>`)
until the payout; its name is made from the gateway code.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    CONTRA_REVENUE = "contra_revenue"  # discounts, refunds: debit balances that reduce sales
    EXPENSE = "expense"


class PnlLine(StrEnum):
    NET_SALES = "net_sales"
    COST_OF_GOODS = "cost_of_goods"
    SHIPPING_COST = "shipping_cost"
    PAYMENT_FEES = "payment_fees"
    AD_SPEND = "ad_spend"
    OTHER_EXPENSES = "other_expenses"


@dataclass(frozen=True)
class Account:
    code: str
    name: str  # zh-Hans
    name_en: str
    kind: Kind
    pnl: PnlLine | None = None


CASH = "cash"
CLEARING = "clearing"  # prefix: clearing.<gateway>
RECEIVABLES = "receivables"
INVENTORY = "inventory"
PAYABLES = "payables"
TAX_PAYABLE = "tax_payable"
EQUITY = "equity"
SALES = "sales"
SHIPPING_REVENUE = "shipping_revenue"
DISCOUNTS = "discounts"
REFUNDS = "refunds"
COGS = "cogs"
SHIPPING_COST = "shipping_cost"
PAYMENT_FEES = "payment_fees"
AD_SPEND = "ad_spend"
COMMISSIONS = "commissions"
STAFF = "staff"
TOOLS = "tools"
OTHER_EXPENSES = "other_expenses"

ACCOUNTS: tuple[Account, ...] = (
    Account(CASH, "银行存款", "Cash at bank", Kind.ASSET),
    Account(RECEIVABLES, "应收账款", "Receivables", Kind.ASSET),
    Account(INVENTORY, "库存商品", "Inventory", Kind.ASSET),
    Account(PAYABLES, "应付账款", "Payables", Kind.LIABILITY),
    Account(TAX_PAYABLE, "应交税费", "Tax payable", Kind.LIABILITY),
    Account(EQUITY, "所有者权益", "Owner's equity", Kind.EQUITY),
    Account(SALES, "商品销售收入", "Sales of goods", Kind.REVENUE, PnlLine.NET_SALES),
    Account(SHIPPING_REVENUE, "运费收入", "Shipping charged", Kind.REVENUE, PnlLine.NET_SALES),
    Account(DISCOUNTS, "销售折扣", "Discounts", Kind.CONTRA_REVENUE, PnlLine.NET_SALES),
    Account(REFUNDS, "销售退款", "Refunds", Kind.CONTRA_REVENUE, PnlLine.NET_SALES),
    Account(COGS, "主营业务成本", "Cost of goods sold", Kind.EXPENSE, PnlLine.COST_OF_GOODS),
    Account(SHIPPING_COST, "物流费用", "Shipping costs", Kind.EXPENSE, PnlLine.SHIPPING_COST),
    Account(PAYMENT_FEES, "支付手续费", "Payment fees", Kind.EXPENSE, PnlLine.PAYMENT_FEES),
    Account(AD_SPEND, "广告费用", "Ad spend", Kind.EXPENSE, PnlLine.AD_SPEND),
    Account(COMMISSIONS, "推广佣金", "Affiliate commissions", Kind.EXPENSE, PnlLine.OTHER_EXPENSES),
    Account(STAFF, "人工费用", "Staff", Kind.EXPENSE, PnlLine.OTHER_EXPENSES),
    Account(TOOLS, "工具与软件", "Tools and software", Kind.EXPENSE, PnlLine.OTHER_EXPENSES),
    Account(OTHER_EXPENSES, "其他费用", "Other expenses", Kind.EXPENSE, PnlLine.OTHER_EXPENSES),
)
ACCOUNTS_BY_CODE = {a.code: a for a in ACCOUNTS}

# An entered expense's category (the budget's categories) -> the account it is booked to.
EXPENSE_CATEGORIES: dict[str, str] = {
    "ads": AD_SPEND,
    "staff": STAFF,
    "logistics": SHIPPING_COST,
    "tools": TOOLS,
    "other": OTHER_EXPENSES,
}


def clearing_account(gateway: str) -> str:
    return f"{CLEARING}.{(gateway or 'manual').strip().lower()[:30]}"


def is_known_account(code: str) -> bool:
    return code in ACCOUNTS_BY_CODE or (code.startswith(CLEARING + ".") and len(code) > len(CLEARING) + 1)


def account_of(code: str) -> Account:
    if code in ACCOUNTS_BY_CODE:
        return ACCOUNTS_BY_CODE[code]
    gateway = code.partition(".")[2]
    return Account(code, f"待结算款 · {gateway}", f"Clearing · {gateway}", Kind.ASSET)
