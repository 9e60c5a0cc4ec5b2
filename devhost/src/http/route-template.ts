// Parses and matches ASP.NET-style route templates as the Functions host uses them:
// literals, {name}, {name?}, {name=default}, {name:constraint(...)}, {*catchAll}.

export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: readonly ((value: string) => boolean)[];
}

type Part = { kind: "literal"; text: string } | { kind: "parameter"; parameter: RouteParameter };

export interface RouteTemplate {
  template: string;
  parameters: readonly RouteParameter[];
  /** Lower sorts first: literal segments beat constrained parameters beat plain ones beat catch-alls. */
  precedence: readonly number[];
  match(path: string): Record<string, string> | undefined;
}

export class RouteTemplateError extends Error {
  override name = "RouteTemplateError";
}

const GUID = /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i;
const INT = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function numberArgs(args: string, count: number, name: string): number[] {
  const values = args.split(",").map((a) => Number(a.trim()));
  if (values.length !== count || values.some((v) => !Number.isFinite(v))) {
    throw new RouteTemplateError(`Constraint "${name}" needs ${count} numeric argument(s).`);
  }
  return values;
}

/** Builds the check for one inline constraint such as `int`, `min(1)` or `regex(^a+$)`. */
export function parseConstraint(spec: string): (value: string) => boolean {
  const open = spec.indexOf("(");
  const name = (open < 0 ? spec : spec.slice(0, open)).toLowerCase();
  const args = open < 0 ? "" : spec.slice(open + 1, spec.lastIndexOf(")"));
  switch (name) {
    case "int":
      return (v) => INT.test(v) && Math.abs(Number(v)) <= 2_147_483_648;
    case "long":
      return (v) => INT.test(v);
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "guid":
      return (v) => GUID.test(v);
    case "alpha":
      return (v) => /^[a-z]+$/i.test(v);
    case "decimal":
      return (v) => DECIMAL.test(v);
    case "double":
    case "float":
      return (v) => FLOAT.test(v);
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "required":
      return (v) => v.length > 0;
    case "min": {
      const [min = 0] = numberArgs(args, 1, name);
      return (v) => INT.test(v) && Number(v) >= min;
    }
    case "max": {
      const [max = 0] = numberArgs(args, 1, name);
      return (v) => INT.test(v) && Number(v) <= max;
    }
    case "range": {
      const [min = 0, max = 0] = numberArgs(args, 2, name);
      return (v) => INT.test(v) && Number(v) >= min && Number(v) <= max;
    }
    case "minlength": {
      const [min = 0] = numberArgs(args, 1, name);
      return (v) => v.length >= min;
    }
    case "maxlength": {
      const [max = 0] = numberArgs(args, 1, name);
      return (v) => v.length <= max;
    }
    case "length": {
      const bounds = args.includes(",") ? numberArgs(args, 2, name) : numberArgs(args, 1, name);
      const [min = 0, max = min] = bounds;
      return (v) => v.length >= min && v.length <= max;
    }
    case "regex": {
      const regex = new RegExp(args, "i");
      return (v) => regex.test(v);
    }
    default:
      throw new RouteTemplateError(`Unknown route constraint "${spec}".`);
  }
}

/** Splits "id:int:min(1)" at colons outside parentheses. */
function splitConstraints(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === ":" && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function parseParameter(body: string, template: string): RouteParameter {
  let text = body;
  let catchAll = false;
  if (text.startsWith("**")) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith("*")) {
    catchAll = true;
    text = text.slice(1);
  }
  let defaultValue: string | undefined;
  const eq = text.indexOf("=");
  if (eq >= 0) {
    defaultValue = text.slice(eq + 1);
    text = text.slice(0, eq);
  }
  let optional = false;
  if (text.endsWith("?")) {
    optional = true;
    text = text.slice(0, -1);
  }
  const [name = "", ...constraintSpecs] = splitConstraints(text);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new RouteTemplateError(`Invalid parameter name "${name}" in route "${template}".`);
  }
  const parameter: RouteParameter = {
    name,
    optional: optional || catchAll || defaultValue !== undefined,
    catchAll,
    constraints: constraintSpecs.map(parseConstraint),
  };
  if (defaultValue !== undefined) parameter.defaultValue = defaultValue;
  return parameter;
}

function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < segment.length) {
    const open = segment.indexOf("{", i);
    if (open < 0) {
      parts.push({ kind: "literal", text: segment.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: "literal", text: segment.slice(i, open) });
    // Constraint arguments may contain braces (regex quantifiers), so track nesting.
    let depth = 0;
    let close = -1;
    for (let j = open; j < segment.length; j++) {
      if (segment[j] === "{") depth++;
      if (segment[j] === "}" && --depth === 0) {
        close = j;
        break;
      }
    }
    if (close < 0) throw new RouteTemplateError(`Unclosed "{" in route "${template}".`);
    parts.push({
      kind: "parameter",
      parameter: parseParameter(segment.slice(open + 1, close), template),
    });
    i = close + 1;
  }
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function segmentPrecedence(parts: readonly Part[]): number {
  const [only] = parts;
  if (parts.length !== 1 || only === undefined) return 2;
  if (only.kind === "literal") return 1;
  if (only.parameter.catchAll) return 5;
  return only.parameter.constraints.length > 0 ? 3 : 4;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Compiles a route template (without leading slash) to a matcher over URL paths. */
export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~/]+|\/+$/g, "");
  const segments =
    trimmed === "" ? [] : trimmed.split("/").map((segment) => parseSegment(segment, template));
  const parameters: RouteParameter[] = [];
  let pattern = "";
  segments.forEach((parts, index) => {
    const [only] = parts;
    const whole =
      parts.length === 1 && only !== undefined && only.kind === "parameter"
        ? only.parameter
        : undefined;
    if (whole?.catchAll && index !== segments.length - 1) {
      throw new RouteTemplateError(
        `A catch-all parameter must be the last segment of route "${template}".`,
      );
    }
    if (whole !== undefined) {
      parameters.push(whole);
      const capture = whole.catchAll ? "(.*)" : "([^/]+)";
      pattern += whole.optional ? `(?:/${capture})?` : `/${capture}`;
      return;
    }
    pattern += "/";
    for (const part of parts) {
      if (part.kind === "literal") {
        pattern += escapeRegExp(part.text);
      } else {
        parameters.push(part.parameter);
        pattern += part.parameter.optional ? "([^/]*?)" : "([^/]+?)";
      }
    }
  });
  const regex = new RegExp(`^${pattern}/?$`, "i");
  return {
    template: trimmed,
    parameters,
    precedence: segments.map(segmentPrecedence),
    match(path) {
      const found = regex.exec(path);
      if (found === null) return undefined;
      const values: Record<string, string> = {};
      for (let i = 0; i < parameters.length; i++) {
        const parameter = parameters[i]!;
        const raw = found[i + 1];
        if (raw === undefined || raw === "") {
          if (parameter.defaultValue !== undefined) values[parameter.name] = parameter.defaultValue;
          continue;
        }
        const value = parameter.catchAll ? raw.split("/").map(decode).join("/") : decode(raw);
        if (!parameter.constraints.every((accepts) => accepts(value))) return undefined;
        values[parameter.name] = value;
      }
      return values;
    },
  };
}

/** Orders templates so the more specific one is tried first (ASP.NET's route precedence). */
export function comparePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    // Like ASP.NET's decimal precedence, a shorter template sorts before a longer one sharing its prefix.
    const left = a.precedence[i] ?? 0;
    const right = b.precedence[i] ?? 0;
    if (left !== right) return left - right;
  }
  return 0;
}
