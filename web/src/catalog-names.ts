import { useEffect, useState } from 'react';
import { get, type Page } from './api.ts';
import type { Product } from './types.ts';

/** Product names by id (tickets and releases carry only the id); loaded once per page view. */
let cache: Promise<Product[]> | null = null;

export function loadProducts(): Promise<Product[]> {
  cache ??= allPages<Product>('/v1/products').catch((error: unknown) => {
    cache = null;
    throw error;
  });
  return cache;
}

export function forgetProducts(): void {
  cache = null;
}

/** Every page of a list (for small lists like products): follows nextCursor up to `max` items. */
export async function allPages<T>(path: string, max = 500): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<T>>(path, { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

export function useProducts(): Product[] {
  const [products, setProducts] = useState<Product[]>([]);
  useEffect(() => {
    loadProducts()
      .then(setProducts)
      .catch(() => setProducts([]));
  }, []);
  return products;
}

export function productName(products: Product[], id: string): string {
  return products.find((p) => p.id === id)?.name ?? id;
}
