// Live coaching: the camera's frames to the server (one in flight at a time), its state drawn back.
const $ = (id) => document.getElementById(id);
const video = $("video"), overlay = $("overlay"), ctx = overlay.getContext("2d");
const grab = document.createElement("canvas");
const BONES = [[11, 12], [11, 23], [12, 24], [23, 24], [23, 25], [25, 27], [27, 31], [24, 26], [26, 28], [28, 32],
  [11, 13], [13, 15], [12, 14], [14, 16]];
let ws = null, stream = null, inFlight = false, lastCue = "", ended = false;
// A camera frame not sent yet (false: the one on screen was sent, or is the one in flight); its timing.
let fresh = false, freshMeta = null, lastT = -1, sentAt = 0;
const perVideoFrame = "requestVideoFrameCallback" in HTMLVideoElement.prototype;
// What the session measured, for the bench and the tests (bench/web_latency.py reads it): camera frames
// shown, frames sent, states back, capture-to-state latencies (ms), the stream's own clock, the report.
const stats = window.formcheckStats = {cameraFrames: 0, sent: 0, states: 0, latencyMs: [], mediaTime: 0,
  startedMs: null, report: null};
fillExercises($("exercise"), $("variant"));

function speak(text) {
  if (!text || $("mute").checked || !window.speechSynthesis) return;
  speechSynthesis.cancel();
  speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

function draw(s) {
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const lm = s.landmarks;
  if (!lm) return;
  const W = overlay.width, H = overlay.height;
  ctx.lineWidth = 5; ctx.strokeStyle = "#00e5ff";
  for (const [a, b] of BONES) {
    if (lm[a][2] < 0.5 || lm[b][2] < 0.5) continue;
    ctx.beginPath(); ctx.moveTo(lm[a][0] * W, lm[a][1] * H); ctx.lineTo(lm[b][0] * W, lm[b][1] * H); ctx.stroke();
  }
  ctx.fillStyle = "#ffd400";
  for (const p of lm) if (p[2] >= 0.5) { ctx.beginPath(); ctx.arc(p[0] * W, p[1] * H, 4, 0, 7); ctx.fill(); }
  // gauges: one bar per measurement against its target range
  s.gauges.forEach((g, i) => {
    const y = 12 + i * 22, x = W - 170;
    ctx.fillStyle = "#333"; ctx.fillRect(x, y, 150, 14);
    if (g.value !== null) {
      const span = Math.max(1, g.hi - g.lo) * 2, left = g.lo - span / 4;
      ctx.fillStyle = {in: "#3c3", near: "#fb3"}[g.state] || "#e44";  // green in range, amber near, red out
      ctx.fillRect(x, y, Math.max(2, Math.min(150, ((g.value - left) / span) * 150)), 14);
    }
  });
}

function show(s) {
  $("title").textContent = s.title + (s.banner ? "  -  " + s.banner : "");
  $("setup").textContent = s.set_up || "";
  const cue = $("cue");
  cue.textContent = s.cue || "";
  cue.className = s.alert ? "alert" : "";
  const target = s.reps_target ? ` of ${s.reps_target[0]}-${s.reps_target[1]}` : "";
  const reps = s.reps;
  $("reps").dataset.reps = JSON.stringify(reps);
  $("reps").textContent = ("both" in reps && reps.both)
    ? `Reps ${reps.both}${target}` : `Left ${reps.left || 0}${target}, right ${reps.right || 0}${target}`;
  $("hold").textContent = s.hold ? `Hold ${s.hold.elapsed_s.toFixed(0)} s of ${s.hold.target_s} s` : "";
  $("phase").textContent = s.phase;
  $("program").textContent = s.program || "";
  $("gauges").textContent = s.gauges.map((g) => `${g.label} ${g.value === null ? "-" : g.value.toFixed(0)}`).join("   ");
  draw(s);
  const said = s.set_up || s.cue || "";
  if (said !== lastCue) { lastCue = said; speak(said); }
}

function sendFrame() {
  if (!ws || ws.readyState !== 1 || ended || video.readyState < 2) return;
  if (inFlight && performance.now() - sentAt < 3000) return;  // a frame lost on the way is not waited for forever
  if (perVideoFrame && !fresh) return;  // only a new camera frame is worth analysing
  // the camera's own capture time when the browser gives it (what latency is measured from), else now
  const cap = freshMeta && Number.isFinite(freshMeta.captureTime) ? freshMeta.captureTime : performance.now();
  fresh = false;
  if (cap <= lastT) return;  // not later than the last frame sent: the server would drop it
  const w = Math.min(640, video.videoWidth), h = Math.round((video.videoHeight * w) / video.videoWidth);
  grab.width = w; grab.height = h;
  grab.getContext("2d").drawImage(video, 0, 0, w, h);
  lastT = cap; sentAt = performance.now(); inFlight = true;
  grab.toBlob(async (blob) => {
    const jpeg = new Uint8Array(await blob.arrayBuffer());
    const msg = new Uint8Array(8 + jpeg.length);
    new DataView(msg.buffer).setFloat64(0, cap, true);
    msg.set(jpeg, 8);
    if (ws && ws.readyState === 1) { ws.send(msg); stats.sent++; } else inFlight = false;
  }, "image/jpeg", 0.75);
}

function onVideoFrame(_now, meta) {
  if (ended) return;  // the camera is stopped: its last callbacks are not frames of the session
  stats.cameraFrames++; stats.mediaTime = Math.max(stats.mediaTime, meta.mediaTime);
  fresh = true; freshMeta = meta;
  sendFrame();
  video.requestVideoFrameCallback(onVideoFrame);
}

function tick() { sendFrame(); if (!ended) requestAnimationFrame(tick); }

function received(s) {
  inFlight = false;
  stats.states++;
  const ms = performance.now() - s.captured_ms;
  stats.latencyMs.push(ms);
  if (stats.latencyMs.length > 20000) stats.latencyMs.splice(0, 10000);  // a long session: keep the recent
  const secs = (performance.now() - stats.startedMs) / 1000;
  $("perf").textContent = `${(stats.states / Math.max(secs, 1e-3)).toFixed(0)} fps, latency ${ms.toFixed(0)} ms`;
  show(s);
  sendFrame();  // a camera frame that came while this one was analysed goes now
}

function endSession() {
  if (ws && ws.readyState === 1) ws.send(JSON.stringify({key: "quit"}));
  $("end").disabled = true;
}

$("start").onclick = async () => {
  try {
    stream = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}});
  } catch (e) { $("status").innerHTML = `<p class="error">The camera could not be opened: ${esc(e.message)}</p>`; return; }
  video.srcObject = stream;
  Object.assign(stats, {cameraFrames: 0, sent: 0, states: 0, latencyMs: [], mediaTime: 0, report: null});
  stats.startedMs = performance.now();
  stream.getVideoTracks()[0].addEventListener("ended", () => { $("status").textContent = "Camera lost: session ended."; endSession(); });
  const q = new URLSearchParams(choice($("exercise"), $("variant")));
  ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/live?${q}`);
  ws.onmessage = (ev) => {
    const m = JSON.parse(ev.data);
    if (m.type === "state") received(m);
    else if (m.type === "error") { $("status").innerHTML = `<p class="error">${esc(m.message)}</p>`; inFlight = false; }
    else if (m.type === "report") {
      ended = true; stats.report = m;
      const links = m.files.map((f) => `<a href="/sessions/${m.id}/${f}">${f}</a>`).join(" ");
      $("report").innerHTML = `<h2>Session saved</h2><pre id="summary">${esc(m.summary)}</pre><p>${links}</p>`;
      if (stream) stream.getTracks().forEach((t) => t.stop());
    }
  };
  ws.onclose = () => { $("start").disabled = false; $("end").disabled = true; };
  $("start").disabled = true; $("end").disabled = false; ended = false;
  if (perVideoFrame) video.requestVideoFrameCallback(onVideoFrame); else requestAnimationFrame(tick);
};
$("end").onclick = endSession;
document.addEventListener("keydown", (e) => {
  const key = {" ": "pause", r: "reset", s: "switch", q: "quit", Escape: "quit"}[e.key];
  if (key && ws && ws.readyState === 1 && e.target.tagName !== "SELECT") { ws.send(JSON.stringify({key})); e.preventDefault(); }
});
