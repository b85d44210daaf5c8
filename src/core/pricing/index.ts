// Pricing core (pure): exact money, tax per line, invoices and instalments, user counting (R4.1),
// renewal and purchase prices (R0.5), proration of added users (R4.2). Conventions: docs/money.md.
export {
  buildInvoice,
  type Instalment,
  type Invoice,
  type InvoiceLine,
  type InvoiceLineInput,
  lineAmount,
  type PaymentSchedule,
  type PriceLine,
  parseCivilDate,
  type Quantity,
  schedulePayments,
  splitInstalments,
} from './invoice-lines.ts';
export {
  addMoney,
  allocateLargestRemainder,
  assertSafeMinor,
  decimalToRational,
  divideHalfUp,
  formatMoney,
  type Money,
  minorDigits,
  minorToDecimalString,
  money,
  multiplyRational,
  percentOf,
  type Rational,
  sumMoney,
} from './money.ts';
export { type PerUserOrder, perUserLines } from './per-user-price.ts';
export {
  type Billing,
  type PriceRefusal,
  type PriceResult,
  type PurchaseDiscount,
  type PurchasePriceInput,
  type PurchasePriceResult,
  pricePurchase,
  priceRenewal,
  type RenewalPriceInput,
  reinstatementFee,
} from './price-rules.ts';
export { amountText, termText } from './price-words.ts';
export { type ProrationInput, type ProrationResult, prorateAddedUsers } from './proration.ts';
export {
  type CountedUser,
  type CountItem,
  countUsers,
  type NotCountedItem,
  type PerUserPrice,
  personKey,
  type UserCount,
  type UserCounting,
} from './seat-count.ts';
export { type LineTax, NO_TAX, type TaxRate, taxForLine, taxRateSchema } from './tax.ts';
