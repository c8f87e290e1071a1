/**
 * Seat stock per SKU during a batch: free = enabled − consumed, read once from `subscribedSkus`, then
 * reserved row by row so concurrent rows never over-assign. A SKU at zero is no longer assigned.
 */
import type { SubscribedSku } from '../ports/licences.js';

export interface SkuStock {
  skuId: string;
  skuPartNumber: string;
  enabledUnits: number;
  consumedUnits: number;
}

export type Reservation = { ok: true; release: () => void } | { ok: false; message: string };

export class SeatLedger {
  private readonly free = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(skus: readonly SubscribedSku[]) {
    for (const sku of skus) {
      this.free.set(sku.skuId.toLowerCase(), sku.enabledUnits - sku.consumedUnits);
      this.names.set(sku.skuId.toLowerCase(), sku.skuPartNumber);
    }
  }

  freeOf(skuId: string): number {
    return this.free.get(skuId.toLowerCase()) ?? 0;
  }

  /** Reserve one seat of each SKU, all or none. */
  reserve(skuIds: readonly string[]): Reservation {
    const keys = skuIds.map((id) => id.toLowerCase());
    const empty = keys.filter((k) => (this.free.get(k) ?? 0) <= 0);
    if (empty.length > 0) {
      const names = empty.map((k) => this.names.get(k) ?? k).join(', ');
      return { ok: false, message: `No free seats left of ${names}: licence not assigned` };
    }
    for (const k of keys) this.free.set(k, (this.free.get(k) ?? 0) - 1);
    let isReleased = false;
    return {
      ok: true,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        for (const k of keys) this.free.set(k, (this.free.get(k) ?? 0) + 1);
      },
    };
  }
}

/** Warnings for SKUs below the threshold (and at zero), for the report and the preview card. */
export function stockWarnings(
  skus: readonly SkuStock[],
  skuIds: readonly string[],
  warnBelow: number,
): string[] {
  const wanted = new Set(skuIds.map((s) => s.toLowerCase()));
  return skus
    .filter((s) => wanted.has(s.skuId.toLowerCase()))
    .flatMap((s) => {
      const free = s.enabledUnits - s.consumedUnits;
      if (free <= 0)
        return [`${s.skuPartNumber}: no free seats (${s.consumedUnits} of ${s.enabledUnits} used)`];
      if (free < warnBelow) return [`${s.skuPartNumber}: only ${free} free seat(s) left`];
      return [];
    });
}
