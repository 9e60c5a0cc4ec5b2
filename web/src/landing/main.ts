// Landing page entry: live numbers now, the 3D hero once its chunk arrives.
import "../styles/base.css";
import "../styles/site.css";
import "../styles/landing.css";
import { mountHero } from "./hero-loader.js";
import { startLiveNumbers } from "./live-numbers.js";

const numbers = document.getElementById("live-numbers");
const note = document.getElementById("live-numbers-note");
if (numbers && note) startLiveNumbers(numbers, note);

const hero = document.getElementById("hero-visual");
if (hero) void mountHero(hero);
