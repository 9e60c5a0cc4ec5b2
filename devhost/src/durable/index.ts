export { createDurableExtension, type DurableExtensionOptions } from "./durable-extension.js";
