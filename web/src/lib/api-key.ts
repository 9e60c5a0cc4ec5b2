// What an API key must look like before it is worth sending to the server.
import { API_KEY_PREFIX } from "@wastecompute/contracts";

const MIN_KEY_LENGTH = 12;

/** Why a typed key cannot be right, or undefined when it might be. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "Enter your API key.";
  if (!key.startsWith(API_KEY_PREFIX)) return `API keys start with “${API_KEY_PREFIX}”.`;
  if (key.length < MIN_KEY_LENGTH || /\s/.test(key))
    return "That does not look like a whole API key.";
  return undefined;
}
