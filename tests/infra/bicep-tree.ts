// Reads the Bicep files offline with the tree-sitter-bicep grammar (WebAssembly build), so tests can
// check syntax and cross-file facts without the Bicep compiler, which only runs where Azure is.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Language, Parser, type Node } from "web-tree-sitter";

export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const infraDir = join(repoRoot, "infra");

const require = createRequire(import.meta.url);
let parser: Parser | undefined;

async function bicepParser(): Promise<Parser> {
  if (parser === undefined) {
    await Parser.init();
    const language = await Language.load(
      require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm"),
    );
    parser = new Parser();
    parser.setLanguage(language);
  }
  return parser;
}

/** Every .bicep file under infra/, as absolute paths. */
export function bicepFiles(dir = infraDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(path);
    return entry.name.endsWith(".bicep") ? [path] : [];
  });
}

export async function parseBicepSource(source: string): Promise<Node> {
  const tree = (await bicepParser()).parse(source);
  if (tree === null) throw new Error("tree-sitter returned no tree");
  return tree.rootNode;
}

export function parseBicep(path: string): Promise<Node> {
  return parseBicepSource(readFileSync(path, "utf8"));
}

/** ERROR and MISSING nodes as `line:column text`, the grammar's way of saying "not Bicep". */
export function syntaxErrors(root: Node): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === "ERROR" || node.isMissing) {
      found.push(
        `${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.text.slice(0, 60)}`,
      );
    }
    node.children.forEach((child) => child !== null && visit(child));
  };
  visit(root);
  return found;
}

/** Text of a string literal without its quotes; undefined for interpolated or non-strings. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (node?.type !== "string") return undefined;
  const parts = node.namedChildren.filter((child) => child !== null);
  if (parts.some((part) => part.type !== "string_content")) return undefined;
  return parts.map((part) => part.text).join("");
}

function nameOf(declaration: Node): string {
  const identifier = declaration.namedChildren.find((child) => child?.type === "identifier");
  if (!identifier) throw new Error(`declaration without a name: ${declaration.text.slice(0, 60)}`);
  return identifier.text;
}

/** Top-level declarations of one kind (param, var, module, resource, output) by name. */
export function declarations(
  root: Node,
  kind: "parameter" | "variable" | "module" | "resource" | "output",
): Map<string, Node> {
  const found = new Map<string, Node>();
  for (const child of root.namedChildren) {
    if (child?.type === `${kind}_declaration`) found.set(nameOf(child), child);
  }
  return found;
}

/** The value (last named child) of a declaration such as `var x = {...}` or `module m '...' = {...}`. */
export function declaredValue(declaration: Node): Node {
  const value = declaration.namedChildren.at(-1);
  if (!value) throw new Error(`declaration without a value: ${declaration.text.slice(0, 60)}`);
  return value;
}

/** The path or registry reference of a module declaration. */
export function moduleSource(module: Node): string {
  const source = stringValue(module.namedChildren.find((child) => child?.type === "string"));
  if (source === undefined)
    throw new Error(`module without a literal source: ${module.text.slice(0, 60)}`);
  return source;
}

/** Properties of an object literal: key (identifier or quoted) → value node. */
export function objectProperties(object: Node): Map<string, Node> {
  if (object.type !== "object")
    throw new Error(`expected an object, got ${object.type}: ${object.text.slice(0, 60)}`);
  const found = new Map<string, Node>();
  for (const property of object.namedChildren) {
    if (property?.type !== "object_property") continue;
    const [key, value] = property.namedChildren;
    if (!key || !value) continue;
    found.set(stringValue(key) ?? key.text, value);
  }
  return found;
}

/** Follows `a.b.c` through nested object literals; throws naming the missing step. */
export function propertyPath(object: Node, path: string): Node {
  let current = object;
  for (const step of path.split(".")) {
    const next = objectProperties(current).get(step);
    if (!next) throw new Error(`no property ${step} (of ${path})`);
    current = next;
  }
  return current;
}

/** Every node of a type anywhere under `root`. */
export function nodesOfType(root: Node, type: string): Node[] {
  const found: Node[] = [];
  const visit = (node: Node): void => {
    if (node.type === type) found.push(node);
    node.namedChildren.forEach((child) => child !== null && visit(child));
  };
  visit(root);
  return found;
}
