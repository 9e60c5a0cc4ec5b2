// Decides between the WebGL hero and the static picture, and loads three.js only when it is used.

function supportsWebGL(): boolean {
  try {
    const probe = document.createElement("canvas");
    const context = probe.getContext("webgl2") ?? probe.getContext("webgl");
    if (!context) return false;
    context.getExtension("WEBGL_lose_context")?.loseContext();
    return true;
  } catch {
    return false;
  }
}

export async function mountHero(container: HTMLElement): Promise<void> {
  if (!supportsWebGL()) return;
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  try {
    const { startHeroScene } = await import("./hero-scene.js");
    startHeroScene(container, reducedMotion);
    container.dataset.hero = "webgl";
  } catch {
    // The static picture is already in place; a failed 3D start leaves it there.
    container.dataset.hero = "fallback";
  }
}
