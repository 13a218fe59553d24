// Small keyboard comforts; every page works without this file.
// Hints that only hold with this script (Enter sends, the page updates itself) show from now on.
document.documentElement.classList.add("js");
// Alt + a choice's access key picks it without moving the cursor out of the text being typed.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || !event.target.form) return;
  const key = event.key.toLowerCase();
  const choice = event.target.form.querySelector(`input[type=radio][accesskey="${CSS.escape(key)}"]`);
  if (choice) {
    event.preventDefault();
    choice.checked = true;
  }
});
document.addEventListener("keydown", (event) => {
  const field = event.target;
  // In the quick-entry text, Enter sends and Shift+Enter starts a new line.
  if (event.key === "Enter" && !event.shiftKey && field.matches("textarea[data-submit-on-enter]")) {
    event.preventDefault();
    field.form.requestSubmit();
  }
});
// After an entry is added in place, the fresh form is ready for the next one.
document.addEventListener("htmx:load", (event) => {
  if (event.detail.elt.id === "entry-form") {
    const text = event.detail.elt.querySelector("textarea[data-submit-on-enter]");
    if (text) text.focus();
  }
});
// Crisis clocks keep ticking between page loads ("2 j 05 h 12 min", as rendered by the server).
function formatElapsed(ms) {
  const minutes = Math.max(Math.floor(ms / 60000), 0);
  const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
  const pad = (n) => String(n).padStart(2, "0");
  const day = document.documentElement.lang === "en" ? "d" : "j";
  if (d) return `${d} ${day} ${pad(h)} h ${pad(m)} min`;
  if (h) return `${h} h ${pad(m)} min`;
  return `${m} min`;
}
function tickClocks() {
  document.querySelectorAll("[data-elapsed-since]").forEach((clock) => {
    clock.textContent = formatElapsed(Date.now() - Date.parse(clock.dataset.elapsedSince));
  });
  // A deadline's time left, or how late it is ("reste 2 j 03 h 10 min", "dépassée de 4 h 05 min").
  document.querySelectorAll("[data-countdown-to]").forEach((element) => {
    const left = Date.parse(element.dataset.countdownTo) - Date.now();
    const label = left > 0 ? element.dataset.labelLeft : element.dataset.labelLate;
    element.textContent = `${label} ${formatElapsed(Math.abs(left))}`;
  });
}
setInterval(tickClocks, 30000);
// Deadlines fall due with time alone, with no write to move a live page's version:
// an element with data-due-at takes the "overdue" class once that moment has passed.
function markOverdue() {
  document.querySelectorAll("[data-due-at]").forEach((element) => {
    element.classList.toggle("overdue", Date.parse(element.dataset.dueAt) <= Date.now());
  });
}
setInterval(markOverdue, 15000);
document.addEventListener("htmx:load", markOverdue);
// Live blocks (data-poll-pauses-in-forms) never pause silently. Someone typing in a form outside the
// block (filters, a new line) gets the refresh at once: nothing they edit moves. While the focus is in
// a form inside the block (a row's status), the refresh is held and the page says so, with the count
// of changes and a button to apply them; it applies itself once the focus leaves the block's forms.
// (The page's Content-Security-Policy forbids the eval that an hx-trigger filter would need.)
const heldRefreshes = new Map();
function versionOf(html) {
  const match = /[?&]v=(\d+)/.exec(html);
  return match ? Number(match[1]) : null;
}
function editingInside(block) {
  const active = document.activeElement;
  return Boolean(active && active.closest("form") && block.contains(active));
}
function pausedNote(block) {
  let note = document.getElementById(`${block.id}-paused`);
  if (!note) {
    note = document.createElement("p");
    note.id = `${block.id}-paused`;
    note.className = "live-paused";
    note.setAttribute("role", "status");
    const text = document.createElement("span");
    const apply = document.createElement("button");
    apply.type = "button";
    apply.className = "secondary small-button";
    apply.addEventListener("click", () => applyHeld(block.id));
    note.append(text, " ", apply);
    block.before(note);
  }
  return note;
}
function showPaused(block, changes) {
  const english = document.documentElement.lang === "en";
  const note = pausedNote(block);
  const words = english
    ? `Updates paused while you edit: ${changes} change${changes > 1 ? "s" : ""}`
    : `Mises à jour en pause pendant votre saisie — ${changes} changement${changes > 1 ? "s" : ""}`;
  note.querySelector("span").textContent = words;
  note.querySelector("button").textContent = english ? "Apply now" : "Appliquer maintenant";
}
function applyHeld(id) {
  const html = heldRefreshes.get(id);
  const block = document.getElementById(id);
  heldRefreshes.delete(id);
  const note = document.getElementById(`${id}-paused`);
  if (note) note.remove();
  if (html && block) htmx.swap(block, html, { swapStyle: "outerHTML" });
}
document.addEventListener("htmx:beforeSwap", (event) => {
  const block = event.detail.elt;
  if (!block.matches || !block.matches("[data-poll-pauses-in-forms]") || event.detail.xhr.status !== 200) return;
  if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") return;
  if (!editingInside(block)) return;
  event.detail.shouldSwap = false;
  heldRefreshes.set(block.id, event.detail.serverResponse);
  const shown = versionOf(block.getAttribute("hx-get") || "");
  const latest = versionOf(event.detail.serverResponse);
  showPaused(block, shown !== null && latest !== null && latest > shown ? latest - shown : 1);
});
document.addEventListener("focusout", () => {
  // After the focus has moved: apply what was held for blocks no longer being edited.
  setTimeout(() => {
    for (const id of [...heldRefreshes.keys()]) {
      const block = document.getElementById(id);
      if (block && !editingInside(block)) applyHeld(id);
    }
  }, 0);
});
// Meeting countdown: the server renders the times and the minutes left; this ticks them every second
// and shows the 5-minute warning (25 minutes into a 30-minute point) without a reload.
function tickCountdowns() {
  const english = document.documentElement.lang === "en";
  document.querySelectorAll("[data-countdown-end]").forEach((clock) => {
    const left = Date.parse(clock.dataset.countdownEnd) - Date.now();
    const warn = Date.now() >= Date.parse(clock.dataset.warnAt);
    const value = clock.querySelector(".countdown-value") || clock;
    const total = Math.floor(Math.abs(left) / 1000);
    const mmss = `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
    if (left >= 0) value.textContent = english ? `${mmss} left` : `${mmss} restantes`;
    else value.textContent = english ? `over by ${mmss}` : `dépassement ${mmss}`;
    clock.classList.toggle("warn", warn);
    clock.classList.toggle("overdue", left < 0);
    const note = clock.parentElement.querySelector(".countdown-warning");
    if (note) note.hidden = !warn;
  });
}
setInterval(tickCountdowns, 1000);
document.addEventListener("htmx:load", tickCountdowns);
