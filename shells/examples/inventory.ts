#!/usr/bin/env node
// A tracked admin shell for a new component, "inventory", in a dozen lines.
import { AdminShell } from "../core/admin-shell.js";
import { launchShell } from "../core/launch.js";

class InventoryShell extends AdminShell {
  constructor(options = {}) {
    super({ name: "inventory", componentType: "warehouse", adapters: ["postgres"] }, options);
    this.helper("stock", "stock(sku)", "Units in stock for a SKU", async (sku: string) => ({
      sku,
      units: sku.length * 7,
    }));
  }
}

await launchShell("inventory", (_runtime, options) => new InventoryShell(options));
