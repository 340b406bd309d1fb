// The working list offline (issue 10 item 4): renders the list from its JSON (the service
// worker gives the last one without signal), keeps recorded visits in an IndexedDB outbox
// (each with a client key, so a retry never records a visit twice) and sends them when the
// connection returns; a conflict is shown with both versions and the worker chooses.
(function () {
  "use strict";
  const root = document.getElementById("fupin-worklist");
  if (!root) return;
  const S = JSON.parse(document.getElementById("wl-strings").textContent);
  const API = root.dataset.api, VISITS = root.dataset.visits;
  const form = document.getElementById("wl-form");
  const statusEl = document.getElementById("wl-status");
  let data = null, current = "overdue", sending = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.sw, {scope: "/followups/"}).catch(() => null);
  }

  // --- the outbox (IndexedDB) ---------------------------------------------------------
  function db() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("fupin-followups", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("outbox", {keyPath: "client_key"});
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  function store(mode, fn) {
    return db().then((d) => new Promise((resolve, reject) => {
      const tx = d.transaction("outbox", mode);
      const out = fn(tx.objectStore("outbox"));
      tx.oncomplete = () => resolve(out && out.result);
      tx.onerror = () => reject(tx.error);
    }));
  }
  const outboxAll = () => store("readonly", (s) => s.getAll());
  const outboxPut = (item) => store("readwrite", (s) => s.put(item));
  const outboxDel = (key) => store("readwrite", (s) => s.delete(key));

  function dayBefore(iso) {
    const d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() - 1);
    return d.toISOString().slice(0, 10);
  }
  function csrf() {
    // the cookie is HttpOnly: the token comes from the page (the body's hx-headers), which
    // the service worker keeps with the page
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  // --- rendering ------------------------------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function render() {
    if (!data) return;
    ["overdue", "week", "month"].forEach((b) => {
      const pane = root.querySelector('[data-pane="' + b + '"]');
      const rows = data.results.filter((r) => r.bucket === b);
      root.querySelector('[data-count="' + b + '"]').textContent = rows.length;
      pane.replaceChildren();
      if (!rows.length) pane.append(el("div", "list-group-item text-muted", S.empty));
      rows.forEach((r) => {
        const item = el("div", "list-group-item");
        item.dataset.person = r.person;
        const head = el("div", "d-flex justify-content-between");
        head.append(el("strong", "", r.name), el("span", "badge bg-info text-dark", r.category_label));
        const due = el("div", "small " + (r.overdue_days ? "text-danger" : ""),
          r.overdue_days ? S.overdue_days.replace("%(n)s", r.overdue_days) : S.due + " " + r.due_on);
        const lv = r.last_visit;
        const last = el("div", "small text-muted", lv ? S.last + "：" + lv.visited_on + " " +
          lv.method_label + " " + lv.findings : S.never);
        const btn = el("button", "btn btn-primary btn-lg w-100 mt-2", S.record);
        btn.type = "button";
        btn.dataset.record = r.person;
        btn.addEventListener("click", () => openForm(r));
        item.append(head, el("div", "small text-muted", r.reason_label), due, last, btn);
        pane.append(item);
      });
    });
  }
  function showTab(b) {
    current = b;
    root.querySelectorAll("[data-tab]").forEach((t) => t.classList.toggle("active", t.dataset.tab === b));
    root.querySelectorAll("[data-pane]").forEach((p) => p.classList.toggle("d-none", p.dataset.pane !== b));
  }
  root.querySelectorAll("[data-tab]").forEach((t) => t.addEventListener("click", () => showTab(t.dataset.tab)));

  function load() {
    return fetch(API, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then((r) => (r.ok ? r.json() : Promise.reject(r)))
      .then((j) => { data = j; render(); })
      .catch(() => null);
  }

  // --- the form ------------------------------------------------------------------------
  function openForm(r) {
    form.reset();
    form.dataset.person = r.person;
    form.elements.person.value = r.person;
    form.elements.visited_on.value = root.dataset.today;
    document.getElementById("wl-form-title").textContent = S.record + " · " + r.name;
    const jobs = document.getElementById("wl-jobs");
    jobs.querySelectorAll("[data-job]").forEach((j) => j.remove());
    const tpl = document.getElementById("wl-job-template");
    r.employments.forEach((e) => {
      const node = tpl.content.firstElementChild.cloneNode(true);
      node.dataset.id = e.id;
      node.dataset.version = e.version;
      node.querySelector("[data-job-label]").textContent = e.employer +
        (e.monthly_income ? " · " + e.monthly_income : "");
      // the last day worked: by default yesterday (a job that ends today still counts today)
      node.querySelector('[name="end_date"]').value = dayBefore(root.dataset.today);
      node.querySelector('[name="end_job"]').dataset.testid = "end-job-" + e.id;
      jobs.append(node);
    });
    jobs.classList.toggle("d-none", !r.employments.length);
    // the intention as the server has it; the version the change is made against
    const i = r.intention || {}, f = form.elements;
    form.dataset.version = r.version;
    f.change_intention.checked = false;
    f.wants_work.checked = !!i.wants_work;
    f.wants_training.checked = !!i.wants_training;
    f.work_place_wish.value = i.work_place_wish || "";
    f.training_wish.value = i.training_wish || "";
    f.industry_wish.value = i.industry_wish || "";
    f.expected_wage.value = i.expected_wage === null || i.expected_wage === undefined ? "" : i.expected_wage;
    form.querySelector('[data-testid="intention"]').open = false;
    const needs = document.getElementById("wl-needs");
    needs.replaceChildren();
    (data ? data.need_kinds : []).forEach(([k, label]) => {
      const w = el("label", "form-check form-check-inline");
      const c = el("input", "form-check-input");
      c.type = "checkbox"; c.name = "need"; c.value = k;
      w.append(c, el("span", "form-check-label", label));
      needs.append(w);
    });
    form.classList.remove("d-none");
    form.scrollIntoView();
  }
  // changing any intention field records the change
  form.querySelectorAll("[data-intention]").forEach((x) => ["change", "input"].forEach((ev) =>
    x.addEventListener(ev, () => { form.elements.change_intention.checked = true; })));
  form.querySelector('[data-action="cancel"]').addEventListener("click", () => form.classList.add("d-none"));

  function payloadFromForm() {
    const f = form.elements;
    const changes = [];
    form.querySelectorAll("[data-job]").forEach((j) => {
      const id = Number(j.dataset.id), version = Number(j.dataset.version);
      if (j.querySelector('[name="end_job"]').checked) {
        changes.push({action: "end_employment", id, version,
          end_date: j.querySelector('[name="end_date"]').value});
      } else if (j.querySelector('[name="monthly_income"]').value) {
        changes.push({action: "change_income", id, version,
          monthly_income: Number(j.querySelector('[name="monthly_income"]').value)});
      }
    });
    if (f.new_employer.value.trim()) {
      changes.push({action: "new_employment", employer: f.new_employer.value.trim(),
        place: f.new_place.value, industry: "",
        monthly_income: f.new_income.value ? Number(f.new_income.value) : null,
        start_date: f.new_start.value || f.visited_on.value});
    }
    if (f.venture_business.value.trim()) {
      changes.push({action: "start_venture", business: f.venture_business.value.trim(),
        industry: "", start_date: f.venture_start.value || f.visited_on.value});
    }
    if (f.change_intention.checked) {
      // the shape visit_record takes for "intention changed" (visits.INTENTION_FIELDS)
      changes.push({action: "change_intention", version: Number(form.dataset.version),
        wants_work: f.wants_work.checked, wants_training: f.wants_training.checked,
        work_place_wish: f.work_place_wish.value, training_wish: f.training_wish.value,
        industry_wish: f.industry_wish.value.trim(),
        expected_wage: f.expected_wage.value ? Number(f.expected_wage.value) : null});
    }
    const needs = Array.from(form.querySelectorAll('[name="need"]:checked'))
      .map((c) => ({kind: c.value, note: f.need_note.value.trim()}));
    return {client_key: crypto.randomUUID(), person: Number(f.person.value),
      visited_on: f.visited_on.value, method: f.method.value, findings: f.findings.value,
      changes, needs};
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const payload = payloadFromForm();
    const file = form.elements.photo.files[0];
    const item = {client_key: payload.client_key, payload, photo: file || null,
      state: "pending", saved_at: Date.now()};
    outboxPut(item).then(() => {
      form.classList.add("d-none");
      // the list shows the visit as done on the phone until the server answers
      if (data) { data.results = data.results.filter((r) => r.person !== payload.person); render(); }
      return refreshStatus();
    }).then(flush);
  });

  // --- sending ---------------------------------------------------------------------------
  function send(item) {
    let body, headers = {"X-CSRFToken": csrf(), Accept: "application/json"};
    if (item.photo) {
      body = new FormData();
      body.append("payload", JSON.stringify(item.payload));
      body.append("photo", item.photo, item.photo.name || "photo.jpg");
    } else {
      body = JSON.stringify(item.payload);
      headers["Content-Type"] = "application/json";
    }
    return fetch(VISITS, {method: "POST", credentials: "same-origin", headers, body})
      .then((resp) => resp.json().catch(() => ({})).then((json) => ({status: resp.status, json})));
  }
  function flush() {
    if (sending || !navigator.onLine) return refreshStatus();
    sending = true;
    return outboxAll().then((items) => items.filter((i) => i.state === "pending")
      .reduce((p, item) => p.then(() => send(item).then(({status, json}) => {
        if (status === 200 || status === 201) return outboxDel(item.client_key);
        if (status === 409) { item.state = "conflict"; item.conflicts = json.conflicts || []; item.detail = json.detail; return outboxPut(item); }
        if (status === 400) { item.state = "error"; item.detail = json.detail || S.error; return outboxPut(item); }
        return null; // 404, 5xx, offline: kept, retried later
      }).catch(() => null)), Promise.resolve()))
      .finally(() => { sending = false; })
      .then(() => Promise.all([refreshStatus(), load()]));
  }

  function resolve(item, how) {
    // discard: resend without the conflicting changes; reapply: with the server's versions
    const conflicting = item.conflicts || [];
    item.payload.changes = item.payload.changes.flatMap((c) => {
      const idOf = (k) => (k.id !== undefined ? k.id : (k.mine && k.mine.id !== undefined ? k.mine.id
        : k.server && k.server.id));
      const hit = conflicting.find((k) => k.action === c.action &&
        (c.id === undefined || idOf(k) === undefined || idOf(k) === c.id));
      if (!hit) return [c];
      if (how === "discard") return [];
      const v = hit.server && hit.server.version;
      return [Object.assign({}, c, v !== undefined ? {version: v} : {})];
    });
    item.state = "pending"; delete item.conflicts; delete item.detail;
    return outboxPut(item).then(flush);
  }

  function show(v) {
    if (!v || typeof v !== "object") return String(v === undefined ? "" : v);
    return Object.entries(v).map(([k, x]) => k + ": " + x).join("，");
  }
  function refreshStatus() {
    return outboxAll().then((items) => {
      const n = items.length;
      statusEl.textContent = !navigator.onLine ? S.offline + (n ? " · " + n + " " + S.pending : "")
        : n ? n + " " + S.pending : S.synced;
      statusEl.className = "badge " + (!navigator.onLine ? "bg-dark" : n ? "bg-warning text-dark" : "bg-success");
      statusEl.dataset.pending = n;
      const box = document.getElementById("wl-conflicts");
      box.replaceChildren();
      items.filter((i) => i.state !== "pending").forEach((item) => {
        const a = el("div", "alert " + (item.state === "conflict" ? "alert-warning" : "alert-danger"));
        a.dataset.testid = item.state === "conflict" ? "conflict" : "send-error";
        a.append(el("div", "fw-semibold", item.state === "conflict" ? S.conflict : (item.detail || S.error)));
        (item.conflicts || []).forEach((c) => {
          a.append(el("div", "small", c.label || c.action));
          a.append(el("div", "small", S.mine + "：" + show(c.mine)));
          a.append(el("div", "small", S.server + "：" + show(c.server)));
        });
        const bar = el("div", "d-grid gap-1 mt-2");
        if (item.state === "conflict") {
          const d = el("button", "btn btn-outline-secondary", S.discard);
          d.type = "button"; d.addEventListener("click", () => resolve(item, "discard"));
          const r = el("button", "btn btn-primary", S.reapply);
          r.type = "button"; r.addEventListener("click", () => resolve(item, "reapply"));
          bar.append(d, r);
        } else {
          const d = el("button", "btn btn-outline-secondary", S.cancel);
          d.type = "button"; d.addEventListener("click", () => outboxDel(item.client_key).then(refreshStatus));
          bar.append(d);
        }
        a.append(bar);
        box.append(a);
      });
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", refreshStatus);
  load().then(flush);
})();
