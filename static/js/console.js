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
// After an entry is added in place, the fresh form is ready for the next one; a form sent back in
// error puts focus on its first field in error (the time, say), not on the text (after htmx's own autofocus).
document.addEventListener("htmx:load", (event) => {
  const form = event.detail.elt;
  if (form.id === "entry-form") {
    setTimeout(() => {
      const field = form.querySelector("[aria-invalid=true]") || form.querySelector("textarea[data-submit-on-enter]");
      if (field) field.focus();
    }, 0);
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
  const held = heldRefreshes.get(id);
  heldRefreshes.delete(id);
  const note = document.getElementById(`${id}-paused`);
  if (note) note.remove();
  const target = held && document.getElementById(held.target);
  if (target) htmx.swap(target, held.html, { swapStyle: "outerHTML" });
}
// The poller is the block itself, or an element inside it (the RIDA's, whose answer is either a new
// poller with the changed rows out of band, or the whole block: the answer's target says which).
document.addEventListener("htmx:beforeSwap", (event) => {
  const poller = event.detail.elt;
  const block = poller.closest && poller.closest("[data-poll-pauses-in-forms]");
  if (!block || event.detail.xhr.status !== 200) return;
  if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") return;
  if (!editingInside(block)) return;
  event.detail.shouldSwap = false;
  heldRefreshes.set(block.id, { html: event.detail.serverResponse, target: event.detail.target.id });
  const shown = versionOf(poller.getAttribute("hx-get") || "");
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
// Changes of state are said in the page's announcer (base.html), a live region that no refresh replaces.
function announce(text) {
  const announcer = document.getElementById("announcer");
  if (!announcer || !text) return;
  announcer.textContent = "";
  setTimeout(() => { announcer.textContent = text.trim().replace(/\s+/g, " "); }, 50);
}
// The meeting's 5-minute warning and its overrun, said once each when they happen (not on page load).
const meetingStates = new Map();
function announceMeetingState() {
  document.querySelectorAll("[data-countdown-end]").forEach((clock) => {
    const state = clock.classList.contains("overdue") ? "over" : clock.classList.contains("warn") ? "warn" : "running";
    const before = meetingStates.get(clock.dataset.countdownEnd);
    meetingStates.set(clock.dataset.countdownEnd, state);
    if (before === undefined || before === state) return;
    if (state === "warn") {
      const note = clock.parentElement.querySelector(".countdown-warning");
      announce(note ? note.textContent : "");
    } else if (state === "over") {
      announce(clock.dataset.saidOver);
    }
  });
}
setInterval(announceMeetingState, 1000);
// A print job's state (queued, running, ready, failed), said when the refresh brings a new one.
let jobStatus = document.getElementById("job-status") ? document.getElementById("job-status").dataset.status : null;
document.addEventListener("htmx:load", (event) => {
  const job = event.detail.elt.id === "job-status" ? event.detail.elt : null;
  if (!job) return;
  if (jobStatus !== null && jobStatus !== job.dataset.status) {
    const state = job.querySelector(".job-state");
    announce(state ? state.textContent : "");
  }
  jobStatus = job.dataset.status;
});
// A live refresh never moves the keyboard focus (WCAG 2.4.3): when the element that has focus is
// replaced, focus goes to its equivalent in the new content (same id, or the same link or control
// at the same place under the nearest ancestor with an id), without scrolling.
function focusKey(element) {
  if (!element || element === document.body || !element.closest) return null;
  if (element.id) return { selector: `#${CSS.escape(element.id)}`, within: null, index: 0 };
  let selector = element.tagName.toLowerCase();
  if (element.getAttribute("href")) selector += `[href="${CSS.escape(element.getAttribute("href"))}"]`;
  if (element.getAttribute("name")) selector += `[name="${CSS.escape(element.getAttribute("name"))}"]`;
  const anchor = element.parentElement && element.parentElement.closest("[id]");
  const scope = anchor || document;
  return { selector, within: anchor ? anchor.id : null, index: [...scope.querySelectorAll(selector)].indexOf(element) };
}
let focusBeforeSwap = null;
document.addEventListener("htmx:beforeSwap", () => {
  focusBeforeSwap = focusKey(document.activeElement);
});
function restoreFocus() {
  const key = focusBeforeSwap;
  const active = document.activeElement;
  if (!key || (active && active !== document.body && active.isConnected)) return;
  const scope = key.within ? document.getElementById(key.within) : document;
  if (!scope) return;
  const candidates = scope.querySelectorAll(key.selector);
  const target = candidates[Math.min(Math.max(key.index, 0), candidates.length - 1)];
  if (target) target.focus({ preventScroll: true });
}
document.addEventListener("htmx:afterSwap", restoreFocus);
document.addEventListener("htmx:oobAfterSwap", restoreFocus);
document.addEventListener("htmx:afterSettle", () => {
  restoreFocus();
  focusBeforeSwap = null;
});
// Inline selects that save (the RIDA's status and owner, data-save-on-commit): a closed select
// changes on every arrow key, so the keyboard only chooses, and Enter or leaving the field saves
// (WCAG 3.2.2); a choice made with the mouse saves at once. The form is sent by a "save" event.
// The RIDA's owner select names only its row's owner: the page's one list of members (a <template>
// named by data-choices) fills it when it is about to be used, by pointer or keyboard, so 50 rows do
// not each carry the whole cell. The owner rendered stays the one marked selected (the saved value).
function fillChoices(select) {
  if (!select.matches || !select.matches("select[data-choices]") || select.dataset.filled) return;
  const list = document.getElementById(select.dataset.choices);
  if (!list) return;
  const rendered = [...select.options].find((option) => option.defaultSelected);
  const saved = rendered ? rendered.value : "";
  const current = select.value;
  const options = list.content.cloneNode(true);
  const members = new Set([...options.querySelectorAll("option")].map((option) => option.value));
  // The row's blank choice stays first, and an owner no longer in the list stays too.
  [...select.options].forEach((option) => { if (option.value && members.has(option.value)) option.remove(); });
  select.append(options);
  [...select.options].forEach((option) => { option.defaultSelected = option.value === saved; });
  select.value = current;
  select.dataset.filled = "true";
}
document.addEventListener("focusin", (event) => fillChoices(event.target), true);
let choosingWithPointer = false;
document.addEventListener("pointerdown", (event) => {
  fillChoices(event.target);
  choosingWithPointer = Boolean(event.target.closest && event.target.closest("[data-save-on-commit] select"));
}, true);
document.addEventListener("keydown", (event) => {
  choosingWithPointer = false;
  const field = event.target;
  if (event.key === "Enter" && field.matches && field.matches("[data-save-on-commit] select")) {
    event.preventDefault();
    saveInline(field);
  }
}, true);
// Saved only when the choice differs from the value the server rendered (the option marked selected).
function saveInline(field) {
  const rendered = [...field.options].find((option) => option.defaultSelected);
  if (field.value === (rendered ? rendered.value : "") || field.dataset.sending === field.value) return;
  field.dataset.sending = field.value;
  htmx.trigger(field.form, "save");
}
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches("[data-save-on-commit] select") && choosingWithPointer) saveInline(field);
});
document.addEventListener("focusout", (event) => {
  const field = event.target;
  if (field.matches && field.matches("[data-save-on-commit] select") && field.isConnected) saveInline(field);
});
// A row saved in place says so (data-said, set by the server on the row it sends back).
document.addEventListener("htmx:load", (event) => {
  if (event.detail.elt.dataset && event.detail.elt.dataset.said) announce(event.detail.elt.dataset.said);
});
