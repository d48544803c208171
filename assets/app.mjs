// Progressive enhancement only: every page works without this file.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A form with no action posts to the page's address, fragment and all. After the skip link that is
// "#main-content", and the browser, scrolling to it on the page that answers, takes the focus away from
// the error summary. Post to the page itself, without the fragment.
for (const form of document.querySelectorAll("form:not([action])")) {
  form.setAttribute("action", window.location.pathname + window.location.search);
}

// The assignment adjust page: check the rules as selections change, without saving.
for (const form of document.querySelectorAll("form[data-live-check]")) {
  form.addEventListener("change", async () => {
    const data = new FormData(form);
    data.set("action", "check");
    const response = await fetch(form.dataset.liveCheck, { method: "POST", body: data });
    const target = document.getElementById("evaluation");
    if (response.ok && target) {
      target.outerHTML = await response.text();
    }
  });
}

// The review page: save a draft as the reviewer types, and warn before leaving with unsaved changes.
for (const form of document.querySelectorAll("form[data-autosave]")) {
  const status = document.getElementById("autosave-status");
  const version = form.querySelector("input[name=version]");
  let dirty = false;
  let timer = null;
  let saving = null; // the autosave in flight, if any

  const save = async () => {
    if (!dirty || saving) return;
    let finished;
    saving = new Promise((resolve) => {
      finished = resolve;
    });
    dirty = false;
    const data = new FormData(form);
    data.set("action", "save");
    try {
      const response = await fetch(form.dataset.autosave, { method: "POST", body: data });
      const answer = await response.json();
      if (response.ok) {
        version.value = answer.version;
        if (status) status.textContent = `Draft saved automatically on ${answer.saved_at}.`;
      } else {
        dirty = true;
        if (status) status.textContent = answer.message;
      }
    } catch {
      dirty = true;
      if (status) status.textContent = "Not saved automatically: check your connection, then save the draft.";
    } finally {
      saving = null;
      finished();
    }
  };

  form.addEventListener("input", () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 4000);
  });
  form.addEventListener("submit", async (event) => {
    clearTimeout(timer);
    if (saving) {
      // Post with the version the autosave reaches, not the one it is replacing.
      event.preventDefault();
      const submitter = event.submitter;
      await saving;
      dirty = false;
      form.requestSubmit(submitter);
      return;
    }
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
}
