// The landing page's 3D hero: lights, camera, a gentle float, and a tilt that follows the pointer.
import * as THREE from "three";
import { RoomEnvironment } from "three/addons/environments/RoomEnvironment.js";
import { buildCpu, buildGpu, buildMotes } from "./hero-models.js";

const TILT = 0.35;

export function startHeroScene(container: HTMLElement, reducedMotion: MediaQueryList): void {
  const canvas = document.createElement("canvas");
  canvas.className = "hero-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "A 3D processor chip and graphics card, slowly floating");
  const renderer = new THREE.WebGLRenderer({
    canvas,
    antialias: true,
    alpha: true,
    powerPreference: "low-power",
  });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  renderer.toneMapping = THREE.ACESFilmicToneMapping;
  renderer.toneMappingExposure = 1.05;

  const scene = new THREE.Scene();
  const environment = new THREE.PMREMGenerator(renderer);
  scene.environment = environment.fromScene(new RoomEnvironment(), 0.04).texture;
  environment.dispose();

  const camera = new THREE.PerspectiveCamera(34, 1, 0.1, 100);
  camera.position.set(0, 4.4, 9.2);
  camera.lookAt(0, 0.1, 0);

  scene.add(new THREE.HemisphereLight(0xbfe9ff, 0x0a0e13, 0.5));
  const key = new THREE.DirectionalLight(0xffffff, 1.6);
  key.position.set(4, 8, 5);
  scene.add(key);
  const rimGreen = new THREE.PointLight(0x3ee0a1, 28, 14);
  rimGreen.position.set(-4, 1.5, -2);
  scene.add(rimGreen);
  const rimCyan = new THREE.PointLight(0x5cc8ff, 22, 14);
  rimCyan.position.set(4, 2, -3);
  scene.add(rimCyan);

  const rig = new THREE.Group();
  scene.add(rig);
  const cpu = buildCpu();
  cpu.position.set(-1.25, -0.35, 1.3);
  cpu.rotation.set(0.12, 0.55, 0);
  rig.add(cpu);
  const gpu = buildGpu();
  gpu.group.position.set(1.05, 0.95, -0.9);
  gpu.group.rotation.set(0.5, -0.4, 0.12);
  rig.add(gpu.group);
  const motes = buildMotes(220);
  rig.add(motes);

  const pointer = { x: 0, y: 0 };
  window.addEventListener(
    "pointermove",
    (event) => {
      pointer.x = (event.clientX / window.innerWidth) * 2 - 1;
      pointer.y = (event.clientY / window.innerHeight) * 2 - 1;
      if (reducedMotion.matches) renderOnce();
    },
    { passive: true },
  );

  const resize = () => {
    const { width, height } = container.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    renderOnce();
  };

  const clock = new THREE.Clock();
  function pose(time: number) {
    const still = reducedMotion.matches;
    const targetY = pointer.x * TILT;
    const targetX = pointer.y * TILT * 0.5;
    rig.rotation.y += (targetY - rig.rotation.y) * (still ? 1 : 0.05);
    rig.rotation.x += (targetX - rig.rotation.x) * (still ? 1 : 0.05);
    if (still) return;
    cpu.position.y = -0.35 + Math.sin(time * 0.9) * 0.08;
    cpu.rotation.y = 0.55 + Math.sin(time * 0.4) * 0.06;
    gpu.group.position.y = 0.95 + Math.sin(time * 0.7 + 1.3) * 0.1;
    for (const fan of gpu.fans) fan.rotation.y = time * 2.4;
    motes.rotation.y = time * 0.03;
    motes.position.y = Math.sin(time * 0.3) * 0.15;
  }

  function renderOnce() {
    pose(clock.getElapsedTime());
    renderer.render(scene, camera);
  }

  let visible = true;
  let frame = 0;
  const loop = () => {
    frame = 0;
    renderOnce();
    schedule();
  };
  const schedule = () => {
    if (
      frame === 0 &&
      visible &&
      !reducedMotion.matches &&
      document.visibilityState === "visible"
    ) {
      frame = requestAnimationFrame(loop);
    }
  };

  new ResizeObserver(resize).observe(container);
  new IntersectionObserver(([entry]) => {
    visible = entry?.isIntersecting ?? true;
    schedule();
  }).observe(container);
  document.addEventListener("visibilitychange", schedule);
  reducedMotion.addEventListener("change", () => {
    renderOnce();
    schedule();
  });

  container.append(canvas);
  resize();
  schedule();
  requestAnimationFrame(() => container.classList.add("hero-ready"));
}
