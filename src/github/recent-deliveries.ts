/** Delivery ids handled recently, so a redelivered webhook does nothing twice. Bounded. */
export class RecentDeliveries {
  private readonly ids = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value as string);
  }
}
