// "Detect objects": sends the chosen image, now or as a task, and paints each instance's mask itself
// from the COCO RLE in the answer over the original picture, with its box and score.
import {ApiProblem, call, check, getJson} from "./api.js";
import {clear, el, say} from "./dom.js";
import {maskPixels} from "./rle.js";

const WORDS = {
  415: "That file is not an image the server reads (JPEG, PNG, WebP, BMP or TIFF).",
  413: "That image is too large for this server.",
  400: "The server could not read that upload.",
  503: "The detection model is not available.",
  queue_full: "The task queue is full.",
};
const COLOURS = [[230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180],
  [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128]];
const POLL_MS = 300;

export function setUpDetection() {
  const view = new DetectionView();
  const fileInput = document.getElementById("image-file");
  const drop = document.getElementById("drop-zone");
  const threshold = document.getElementById("threshold");
  const thresholdValue = document.getElementById("threshold-value");
  const form = document.getElementById("detect-form");
  const button = document.getElementById("detect-button");
  const status = document.getElementById("detect-status");
  let file = null;

  const choose = (chosen) => {
    file = chosen || null;
    document.getElementById("file-name").textContent = file ? "Chosen: " + file.name : "";
  };
  fileInput.addEventListener("change", () => choose(fileInput.files[0]));
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    choose(event.dataTransfer.files[0]);
  });
  drop.addEventListener("keydown", (event) => {
    if (event.target === drop && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      fileInput.click();
    }
  });
  const showThreshold = () => { thresholdValue.value = Number(threshold.value).toFixed(2); };
  threshold.addEventListener("input", showThreshold);
  getJson("/model/info").then((info) => {
    threshold.value = info.confidence_threshold;
    showThreshold();
  }).catch(() => { /* the status section says what is wrong */ });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file) {
      say(status, "Choose an image first.", true);
      return;
    }
    const async = form.elements.mode.value === "async";
    button.disabled = true;
    view.reset();
    say(status, async ? "Sending the image as a task…" : "Detecting…");
    try {
      const query = "?threshold=" + encodeURIComponent(threshold.value) + "&return_image=false";
      const body = new FormData();
      body.append("file", file, file.name);
      const result = async ? await queued("/process-image/async" + query, body, status)
          : await (await check(await call("/process-image" + query, {method: "POST", body}), WORDS)).json();
      await view.show(file, result);
      say(status, "Found " + result.num_instances + (result.num_instances === 1 ? " instance" : " instances")
          + " in " + result.processing_time.toFixed(3) + " s (model " + result.model + ", "
          + result.execution_provider + ", threshold " + result.threshold + ").");
    } catch (e) {
      say(status, e instanceof ApiProblem ? e.message : "Something went wrong: " + e.message, true);
    } finally {
      button.disabled = false;
    }
  });
}

/** Submits a task and polls its Location until it completes or fails. */
async function queued(path, body, status) {
  const accepted = await check(await call(path, {method: "POST", body}), WORDS);
  const location = accepted.headers.get("Location");
  const task = await accepted.json();
  say(status, "Queued (task " + task.task_id + ")…");
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const state = await (await check(await call(location), WORDS)).json();
    if (state.status === "completed") {
      return state.result;
    }
    if (state.status === "failed") {
      throw new ApiProblem(200, "task_failed", "The task failed: " + state.error);
    }
    say(status, (state.status === "queued" ? "Queued" : "Processing") + " (task " + task.task_id + ")…");
  }
}

class DetectionView {
  constructor() {
    this.canvas = document.getElementById("detect-canvas");
    this.list = document.getElementById("instances");
    this.download = document.getElementById("download-json");
    this.active = null;
  }

  reset() {
    clear(this.list);
    this.canvas.width = 0;
    this.canvas.height = 0;
    this.download.hidden = true;
    if (this.download.href.startsWith("blob:")) {
      URL.revokeObjectURL(this.download.href);
    }
  }

  async show(file, result) {
    const url = URL.createObjectURL(file);
    try {
      const picture = new Image();
      picture.src = url;
      await picture.decode();
      this.picture = picture;
    } finally {
      URL.revokeObjectURL(url);
    }
    this.result = result;
    this.masks = result.instances.map((instance) => maskPixels(instance.mask));
    this.active = null;
    this.canvas.width = result.width;
    this.canvas.height = result.height;
    this.list.replaceChildren(...result.instances.map((instance, i) => this.item(instance, i)));
    this.download.href = URL.createObjectURL(new Blob([JSON.stringify(result, null, 2)], {type: "application/json"}));
    this.download.hidden = false;
    this.paint();
  }

  item(instance, i) {
    const swatch = el("span", {class: "swatch", "aria-hidden": "true"});
    swatch.style.background = "rgb(" + COLOURS[i % COLOURS.length].join(",") + ")";
    const [x0, y0, x1, y1] = instance.box.map(Math.round);
    const li = el("li", {tabindex: "0", "data-index": i}, swatch,
        "score " + instance.score.toFixed(3) + ", " + instance.area + " px, box " + x0 + "," + y0 + " – " + x1 + "," + y1);
    const focus = () => this.highlight(i);
    li.addEventListener("mouseenter", focus);
    li.addEventListener("focus", focus);
    li.addEventListener("click", focus);
    li.addEventListener("mouseleave", () => this.highlight(null));
    return li;
  }

  highlight(index) {
    if (this.active === index) {
      return;
    }
    this.active = index;
    for (const li of this.list.children) {
      li.classList.toggle("active", Number(li.dataset.index) === index);
    }
    this.paint();
  }

  /** The picture, then each mask blended in its colour (the active one stronger), then boxes and scores. */
  paint() {
    const {width, height, instances} = this.result;
    const ctx = this.canvas.getContext("2d", {willReadFrequently: true});
    ctx.drawImage(this.picture, 0, 0, width, height);
    const frame = ctx.getImageData(0, 0, width, height);
    const pixels = frame.data;
    this.masks.forEach((mask, i) => {
      const [r, g, b] = COLOURS[i % COLOURS.length];
      const alpha = this.active === null ? 0.45 : this.active === i ? 0.65 : 0.15;
      for (const p of mask) {
        const o = p * 4;
        pixels[o] = pixels[o] * (1 - alpha) + r * alpha;
        pixels[o + 1] = pixels[o + 1] * (1 - alpha) + g * alpha;
        pixels[o + 2] = pixels[o + 2] * (1 - alpha) + b * alpha;
      }
    });
    ctx.putImageData(frame, 0, 0);
    const line = Math.max(1, Math.round(Math.max(width, height) / 400));
    ctx.font = Math.max(10, line * 6) + "px system-ui, sans-serif";
    instances.forEach((instance, i) => {
      if (this.active !== null && this.active !== i) {
        return;
      }
      const [x0, y0, x1, y1] = instance.box;
      ctx.strokeStyle = ctx.fillStyle = "rgb(" + COLOURS[i % COLOURS.length].join(",") + ")";
      ctx.lineWidth = line;
      ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
      ctx.fillText("#" + (i + 1) + " " + instance.score.toFixed(2), x0 + line * 2, y0 + line * 8);
    });
  }
}
