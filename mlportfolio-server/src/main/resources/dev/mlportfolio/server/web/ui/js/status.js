// "Status": each component's health, the detection model and RAG pipeline in use, and recent MLflow
// runs with a link to the MLflow UI when tracking is on.
import {ApiProblem, call, getJson} from "./api.js";
import {clear, el, safeHref, say} from "./dom.js";

export function setUpStatus() {
  const refresh = document.getElementById("refresh-status");
  const experiment = document.getElementById("run-experiment");
  refresh.addEventListener("click", () => loadStatus());
  experiment.addEventListener("change", () => loadRuns(experiment.value));
  loadStatus();
}

async function loadStatus() {
  const summary = document.getElementById("status-summary");
  say(summary, "Loading…");
  try {
    // /health answers 503 with the same report when a required part is down: read it either way.
    const response = await call("/health");
    if (response.status === 401) {
      throw new ApiProblem(401, "unauthorized", "This server needs an API key: enter it at the top of the page.");
    }
    const health = await response.json();
    say(summary, "Server " + health.status + ", version " + health.version + ", environment " + health.environment
        + ", up " + Math.round(health.uptime_seconds) + " s.", health.status === "unhealthy");
    components(health.services);
    mlflowLink(health.services.mlflow);
  } catch (e) {
    say(summary, e.message, true);
  }
  await Promise.all([modelInfo(), ragInfo(), loadRuns(document.getElementById("run-experiment").value)]);
}

function components(services) {
  const body = document.querySelector("#components tbody");
  clear(body);
  for (const [name, health] of Object.entries(services)) {
    const details = Object.entries(health.details || {}).map(([k, v]) => k + ": " + v).join(", ");
    body.append(el("tr", {"data-component": name},
        el("th", {scope: "row"}, name),
        el("td", {class: "s-" + health.status}, health.status),
        el("td", {}, [health.message, details].filter(Boolean).join(" — "))));
  }
}

function mlflowLink(mlflow) {
  const line = document.getElementById("mlflow-link");
  clear(line);
  const uri = mlflow && mlflow.details ? safeHref(mlflow.details.tracking_uri) : null;
  if (uri) {
    line.append("Tracking to ", el("a", {href: uri, target: "_blank", rel: "noopener noreferrer"}, "the MLflow UI"),
        " (" + uri + ").");
  } else {
    line.append("MLflow tracking is off on this server (set MLFLOW_TRACKING_URI to turn it on).");
  }
}

function facts(id, rows) {
  const list = document.getElementById(id);
  clear(list);
  for (const [term, value] of rows) {
    list.append(el("dt", {}, term), el("dd", {}, value === null || value === undefined ? "—" : value));
  }
}

async function modelInfo() {
  try {
    const info = await getJson("/model/info");
    const registered = info.registered_model;
    facts("model-info", [
      ["Model", info.model_name + (info.loaded ? "" : " (not loaded: " + info.message + ")")],
      ["Provider", info.execution_provider],
      ["SHA-256", info.model_sha256],
      ["Registered version", registered ? (registered.version ? registered.name + " v" + registered.version
          : registered.status + (registered.message ? ": " + registered.message : "")) : "tracking off"],
      ["Default threshold", info.confidence_threshold],
    ]);
  } catch (e) {
    facts("model-info", [["Error", e.message]]);
  }
}

async function ragInfo() {
  try {
    const info = await getJson("/rag/info");
    facts("rag-info", [
      ["State", info.state + (info.message ? " — " + info.message : "")],
      ["Answers", info.mode],
      ["Language model", info.generative_model
          ? info.generative_model + (info.generative_engine ? " (" + info.generative_engine + ")" : "")
          : "none (extractive answers)"],
      ["Embedding model", info.embedding_model],
      ["Documents", info.documents.join(", ") + " (" + info.chunks + " chunks)"],
      ["Questions", info.total_queries + " (" + info.successful_queries + " answered)"],
    ]);
  } catch (e) {
    facts("rag-info", [["Error", e.message]]);
  }
}

async function loadRuns(experiment) {
  const body = document.querySelector("#runs tbody");
  clear(body);
  const query = "/mlflow/runs?max_results=10" + (experiment ? "&experiment=" + encodeURIComponent(experiment) : "");
  try {
    const runs = await getJson(query, {mlflow_unavailable: "MLflow tracking is off.", mlflow_unreachable: "MLflow does not answer."});
    if (!runs.runs.length) {
      body.append(el("tr", {}, el("td", {colspan: 4}, "No runs yet in " + runs.experiment + ".")));
    }
    for (const run of runs.runs) {
      const metrics = Object.entries(run.metrics).slice(0, 4).map(([k, v]) => k + " " + Number(v).toFixed(3)).join(", ");
      body.append(el("tr", {},
          el("td", {}, run.run_name || run.run_id),
          el("td", {}, run.status),
          el("td", {}, run.start_time ? new Date(run.start_time).toLocaleString() : "—"),
          el("td", {}, metrics)));
    }
  } catch (e) {
    body.append(el("tr", {}, el("td", {colspan: 4, class: "error"}, e.message)));
  }
}
