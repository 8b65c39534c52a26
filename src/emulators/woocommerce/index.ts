export { startWooEmulator, DEFAULT_KNOBS, type WooEmulator } from './server.ts';
export type { WooControl, AddProductInput } from './control.ts';
export type { WooEmulatorOptions, WooKnobs, InjectedFailure, StockRow, RequestLogEntry, EmDelivery, ShopperLine } from './types.ts';
