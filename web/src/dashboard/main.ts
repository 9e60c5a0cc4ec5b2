// Dashboard entry: restore the session's key, or ask for one.
import "@xterm/xterm/css/xterm.css";
import "uplot/dist/uPlot.min.css";
import "../styles/base.css";
import "../styles/dashboard.css";
import { ApiError } from "../api/api-error.js";
import { ApiClient, type Me } from "../api/client.js";
import { clearFollowState } from "../lib/job-resume.js";
import { clearSession, storeApiKey, storedApiKey } from "../lib/session.js";
import { replaceChildren } from "../lib/dom.js";
import { mountShell } from "./shell.js";
import { signInView } from "./sign-in.js";
import { loading } from "./ui.js";

const root = document.getElementById("app");

function signOut(): void {
  clearFollowState();
  clearSession();
  showSignIn();
}

function showSignIn(): void {
  if (!root) return;
  document.title = "Sign in · WasteCompute";
  replaceChildren(root, signInView(enter));
  root.querySelector<HTMLInputElement>("input[name=apiKey]")?.focus();
}

function enter(apiKey: string, me: Me): void {
  if (!root) return;
  storeApiKey(apiKey);
  mountShell(root, apiKey, me, signOut);
}

async function start(): Promise<void> {
  const key = storedApiKey();
  if (!root) return;
  if (!key) return showSignIn();
  replaceChildren(root, loading("Signing in…"));
  try {
    enter(key, await new ApiClient(key).me());
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) clearSession();
    showSignIn();
  }
}

void start();
