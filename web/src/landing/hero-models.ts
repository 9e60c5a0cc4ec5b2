// Stylised hardware for the hero: a CPU package and a two-fan graphics card, built from primitives.
import * as THREE from "three";
import { RoundedBoxGeometry } from "three/addons/geometries/RoundedBoxGeometry.js";

const ACCENT = 0x3ee0a1;
const CYAN = 0x5cc8ff;

const gold = () =>
  new THREE.MeshStandardMaterial({ color: 0xd4a640, metalness: 1, roughness: 0.32 });

function gridInstances(
  geometry: THREE.BufferGeometry,
  material: THREE.Material,
  columns: number,
  rows: number,
  spacing: number,
  place: (matrix: THREE.Matrix4, x: number, z: number) => void,
): THREE.InstancedMesh {
  const mesh = new THREE.InstancedMesh(geometry, material, columns * rows);
  const matrix = new THREE.Matrix4();
  let index = 0;
  for (let c = 0; c < columns; c += 1) {
    for (let r = 0; r < rows; r += 1) {
      const x = (c - (columns - 1) / 2) * spacing;
      const z = (r - (rows - 1) / 2) * spacing;
      place(matrix, x, z);
      mesh.setMatrixAt(index, matrix);
      index += 1;
    }
  }
  return mesh;
}

function labelTexture(text: string, sub: string): THREE.CanvasTexture {
  const canvas = document.createElement("canvas");
  canvas.width = 512;
  canvas.height = 512;
  const g = canvas.getContext("2d");
  if (g) {
    g.fillStyle = "rgba(0,0,0,0)";
    g.fillRect(0, 0, 512, 512);
    g.fillStyle = "rgba(40,52,64,0.75)";
    g.font = "700 54px Inter, system-ui, sans-serif";
    g.textAlign = "center";
    g.fillText(text, 256, 250);
    g.font = "500 30px Inter, system-ui, sans-serif";
    g.fillText(sub, 256, 305);
    g.strokeStyle = "rgba(40,52,64,0.55)";
    g.lineWidth = 6;
    g.strokeRect(60, 60, 392, 392);
  }
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.SRGBColorSpace;
  texture.anisotropy = 4;
  return texture;
}

export function buildCpu(): THREE.Group {
  const cpu = new THREE.Group();
  const substrate = new THREE.Mesh(
    new RoundedBoxGeometry(2.6, 0.14, 2.6, 3, 0.05),
    new THREE.MeshStandardMaterial({ color: 0x145a3f, roughness: 0.55, metalness: 0.15 }),
  );
  cpu.add(substrate);

  const spreader = new THREE.Mesh(
    new RoundedBoxGeometry(1.8, 0.16, 1.8, 4, 0.06),
    new THREE.MeshStandardMaterial({ color: 0xd9e0e6, metalness: 1, roughness: 0.24 }),
  );
  spreader.position.y = 0.15;
  cpu.add(spreader);

  const label = new THREE.Mesh(
    new THREE.PlaneGeometry(1.6, 1.6),
    new THREE.MeshBasicMaterial({
      map: labelTexture("WASTE·COMPUTE", "WC-64 · 2.6 GHz"),
      transparent: true,
    }),
  );
  label.rotation.x = -Math.PI / 2;
  label.position.y = 0.235;
  cpu.add(label);

  // Capacitors along the edges and the pin field underneath.
  const caps = gridInstances(
    new THREE.BoxGeometry(0.08, 0.05, 0.14),
    gold(),
    10,
    2,
    0.2,
    (m, x, z) => {
      m.makeTranslation(x, 0.095, z < 0 ? -1.12 : 1.12);
    },
  );
  cpu.add(caps);
  const pins = gridInstances(
    new THREE.CylinderGeometry(0.022, 0.022, 0.12, 6),
    gold(),
    18,
    18,
    0.13,
    (m, x, z) => {
      m.makeTranslation(x, -0.12, z);
    },
  );
  cpu.add(pins);

  // Glowing traces give the package its "live" look.
  const traceMaterial = new THREE.MeshBasicMaterial({ color: ACCENT });
  for (const [x, z, w, d] of [
    [-1.17, -0.6, 0.18, 0.02],
    [-1.17, 0.4, 0.18, 0.02],
    [1.17, -0.2, 0.18, 0.02],
    [1.17, 0.7, 0.18, 0.02],
    [-0.5, 1.17, 0.02, 0.18],
    [0.6, -1.17, 0.02, 0.18],
  ] as const) {
    const trace = new THREE.Mesh(new THREE.BoxGeometry(w, 0.01, d), traceMaterial);
    trace.position.set(x, 0.075, z);
    cpu.add(trace);
  }
  return cpu;
}

function buildFan(hubColor: number): THREE.Group {
  const fan = new THREE.Group();
  const bladeMaterial = new THREE.MeshStandardMaterial({
    color: 0x2b3a4a,
    metalness: 0.2,
    roughness: 0.55,
    side: THREE.DoubleSide,
  });
  // A swept blade: a thin slab twisted and leaning, repeated around the hub.
  const blade = new THREE.BoxGeometry(0.5, 0.012, 0.15);
  blade.translate(0.42, 0, 0);
  const BLADES = 11;
  for (let i = 0; i < BLADES; i += 1) {
    const mesh = new THREE.Mesh(blade, bladeMaterial);
    mesh.rotation.set(0, (i / BLADES) * Math.PI * 2, 0.42, "YXZ");
    fan.add(mesh);
  }
  const hub = new THREE.Mesh(
    new THREE.CylinderGeometry(0.18, 0.18, 0.07, 32),
    new THREE.MeshStandardMaterial({
      color: 0x111820,
      emissive: hubColor,
      emissiveIntensity: 0.35,
    }),
  );
  fan.add(hub);
  const cap = new THREE.Mesh(
    new THREE.CircleGeometry(0.1, 32),
    new THREE.MeshBasicMaterial({ color: hubColor }),
  );
  cap.rotation.x = -Math.PI / 2;
  cap.position.y = 0.037;
  fan.add(cap);
  const ring = new THREE.Mesh(
    new THREE.TorusGeometry(0.74, 0.035, 12, 64),
    new THREE.MeshStandardMaterial({ color: 0x3b4d60, metalness: 0.8, roughness: 0.35 }),
  );
  ring.rotation.x = Math.PI / 2;
  fan.add(ring);
  return fan;
}

export interface GpuModel {
  group: THREE.Group;
  fans: THREE.Group[];
}

export function buildGpu(): GpuModel {
  const group = new THREE.Group();
  const pcb = new THREE.Mesh(
    new THREE.BoxGeometry(4.4, 0.08, 1.75),
    new THREE.MeshStandardMaterial({ color: 0x0c2a1f, roughness: 0.6 }),
  );
  pcb.position.y = -0.2;
  group.add(pcb);

  const shroud = new THREE.Mesh(
    new RoundedBoxGeometry(4.2, 0.36, 1.62, 4, 0.08),
    new THREE.MeshStandardMaterial({ color: 0x1b2531, metalness: 0.7, roughness: 0.35 }),
  );
  shroud.position.y = 0.04;
  group.add(shroud);

  const stripe = new THREE.Mesh(
    new THREE.BoxGeometry(3.9, 0.02, 0.05),
    new THREE.MeshBasicMaterial({ color: ACCENT }),
  );
  stripe.position.set(0, 0.06, 0.82);
  group.add(stripe);

  const fins = gridInstances(
    new THREE.BoxGeometry(0.02, 0.2, 1.5),
    new THREE.MeshStandardMaterial({ color: 0x9aa7b4, metalness: 1, roughness: 0.3 }),
    60,
    1,
    0.068,
    (m, x) => m.makeTranslation(x, -0.06, 0),
  );
  group.add(fins);

  const fingers = gridInstances(
    new THREE.BoxGeometry(0.05, 0.085, 0.14),
    gold(),
    26,
    1,
    0.075,
    (m, x) => {
      m.makeTranslation(x - 0.6, -0.2, -0.93);
    },
  );
  group.add(fingers);

  const fans = [buildFan(ACCENT), buildFan(CYAN)];
  fans.forEach((fan, i) => {
    fan.position.set(i === 0 ? -1.05 : 1.05, 0.24, 0);
    group.add(fan);
  });
  return { group, fans };
}

/** Heat turned into value: a slow drift of small glowing points around the hardware. */
export function buildMotes(count: number): THREE.Points {
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i += 1) {
    positions[i * 3] = (Math.random() - 0.5) * 9;
    positions[i * 3 + 1] = (Math.random() - 0.5) * 6;
    positions[i * 3 + 2] = (Math.random() - 0.5) * 6;
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
  const material = new THREE.PointsMaterial({
    color: ACCENT,
    size: 0.045,
    transparent: true,
    opacity: 0.7,
    depthWrite: false,
  });
  return new THREE.Points(geometry, material);
}
