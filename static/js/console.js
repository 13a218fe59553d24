// Small keyboard comforts; every page works without this file.
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
