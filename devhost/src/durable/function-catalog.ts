// Finds the app's orchestrator and activity functions by name, case-insensitively like the host.
import type { RegisteredFunction } from "../extension.js";

export class FunctionCatalog {
  constructor(private readonly all: () => readonly RegisteredFunction[]) {}

  orchestrator(name: string): RegisteredFunction | undefined {
    return this.find(name, "orchestrationtrigger");
  }

  activity(name: string): RegisteredFunction | undefined {
    return this.find(name, "activitytrigger");
  }

  private find(name: string, triggerType: string): RegisteredFunction | undefined {
    const wanted = name.toLowerCase();
    return this.all().find(
      (fn) => fn.name.toLowerCase() === wanted && fn.trigger.type.toLowerCase() === triggerType,
    );
  }
}
