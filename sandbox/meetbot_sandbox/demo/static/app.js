// The sandbox page: renders the snapshot the server pushes (GET /sandbox/api/events) and turns
// what the person does into calls of /sandbox/api/..., which sign and relay them to the bot.
// No client-side state beyond "who am I" and "which pane": the snapshot is the truth.
"use strict";

(function () {
  const B = window.SandboxBlocks;
  const $ = (id) => document.getElementById(id);
  const ui = { me: null, pane: { kind: "channel", id: "C0GENERAL" }, snap: null, modalKey: null };

  // -- talking to the sandbox server ---------------------------------------------------------

  async function api(path, body) {
    const response = await fetch(`/sandbox/api/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: ui.me, ...body }),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      toast(data.error || `HTTP ${response.status}`, true);
      return null;
    }
    if (data.bot && data.bot.status !== 200) toast(`The bot answered HTTP ${data.bot.status}`, true);
    return data;
  }

  function toast(message, bad) {
    const node = $("toast");
    node.textContent = message;
    node.className = bad ? "bad" : "";
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (node.hidden = true), 4000);
  }

  // -- rendering ------------------------------------------------------------------------------

  function context(where) {
    const snap = ui.snap;
    const users = Object.fromEntries(snap.users.map((u) => [u.id, u]));
    users[snap.bot.id] = { real_name: snap.bot.name };
    const channels = Object.fromEntries(snap.channels.map((c) => [c.id, c]));
    return {
      users, channels, calls: snap.calls, timeZone: myZone(),
      onButton: (element, block, event) => pressed(element, block, event, where),
    };
  }

  // A meeting link opens the emulated room: the selected person joins it (as host with the
  // host link), exactly as if they had clicked through to the video page. Which links those
  // are is the provider's business, so the server decides; any other link opens in a tab.
  async function openLink(url, event) {
    if (!/^https?:/.test(url || "")) return;
    event.preventDefault();
    const done = await api("links", { url });
    if (!done) return;
    if (!done.room) {
      window.open(url, "_blank", "noopener");
      return;
    }
    const room = ui.snap.rooms.find((r) => r.id === done.room);
    const title = room ? room.title : done.room;
    toast(done.knock ? `You knocked on “${title}”: a host in the call lets you in`
      : `You joined “${title}” ${done.host ? "as host" : "as a guest"}`);
  }

  async function pressed(element, block, event, where) {
    if (where) {
      const action = {
        type: element.type, action_id: element.action_id, block_id: block.block_id || "",
        text: element.text, value: element.value, url: element.url,
        selected_option: element.selected_option,
      };
      api("actions", { action, where });  // Slack sends block_actions for link buttons too
    }
    if (element.url) await openLink(element.url, event);
  }

  function authorName(message) {
    if (message.is_bot) return ui.snap.bot.name;
    const user = ui.snap.users.find((u) => u.id === message.user);
    return user ? user.real_name : message.user;
  }

  function myZone() {
    const me = ui.snap && ui.snap.users.find((u) => u.id === ui.me);
    return me ? me.tz : undefined;
  }

  function timeOf(ts) {
    return B.formatDate(ts, "{time}", "", myZone());
  }

  // A file shared in the message (files.completeUploadExternal), as Slack lists it under the
  // text; "Show" unfolds its text where Slack would open the file.
  function fileNode(file) {
    const node = document.createElement("details");
    node.className = "file";
    node.dataset.fileId = file.id;
    const kb = Math.max(1, Math.round(file.size / 1024));
    node.innerHTML =
      `<summary>📄 <b>${B.esc(file.title)}</b> <span class="file-meta">${B.esc(file.name)} · ${kb} KB · Show</span></summary>` +
      `<pre class="file-text">${B.esc(file.text)}</pre>`;
    return node;
  }

  function messageNode(message, where, canShortcut) {
    const node = document.createElement("div");
    node.className = "message" + (message.visible_to ? " ephemeral" : "") + (message.is_bot ? " from-bot" : "");
    node.dataset.ts = message.ts;
    const head = document.createElement("div");
    head.innerHTML =
      `<span class="author">${B.esc(authorName(message))}</span>` +
      (message.is_bot ? '<span class="app-badge">APP</span>' : "") +
      `<span class="when">${timeOf(message.ts)}</span>` +
      (message.edited ? '<span class="edited">(edited)</span>' : "");
    node.appendChild(head);
    const body = document.createElement("div");
    body.className = "body";
    const target = message.visible_to ? null : where && { ...where, ts: message.ts };
    if (message.blocks && message.blocks.length) body.appendChild(B.renderBlocks(message.blocks, context(target)));
    else body.innerHTML = B.mrkdwn(message.text, context(null));
    node.appendChild(body);
    (message.files || []).forEach((file) => node.appendChild(fileNode(file)));
    if (message.visible_to) {
      const note = document.createElement("div");
      note.className = "only-you";
      note.textContent = "Only visible to you";
      node.appendChild(note);
    }
    if (canShortcut && !message.is_bot && !message.visible_to) {
      const actions = document.createElement("div");
      actions.className = "msg-actions";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn";
      button.textContent = "Meet about this";
      button.addEventListener("click", () =>
        api("shortcut", { callback_id: "meet_about_message", channel: where.channel, ts: message.ts }));
      actions.appendChild(button);
      node.appendChild(actions);
    }
    const replies = message.replies.filter(visible);
    if (replies.length) {
      const box = document.createElement("div");
      box.className = "replies";
      const label = document.createElement("div");
      label.className = "replies-label";
      label.textContent = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
      box.appendChild(label);
      replies.forEach((reply) => box.appendChild(messageNode(reply, where, false)));
      node.appendChild(box);
    }
    return node;
  }

  function visible(message) {
    return !message.visible_to || message.visible_to === ui.me;
  }

  function renderSidebar() {
    const snap = ui.snap;
    $("team").textContent = `${snap.team} · sandbox`;
    $("provider").textContent = snap.provider.label;
    $("provider-note").textContent = snap.provider.note;
    const me = $("me");
    if (me.options.length !== snap.users.length) {
      me.innerHTML = snap.users.map((u) => `<option value="${B.esc(u.id)}">${B.esc(u.real_name)}</option>`).join("");
    }
    if (!ui.me) ui.me = snap.users[0].id;
    me.value = ui.me;
    $("channels").innerHTML = snap.channels.map((c) =>
      `<li><a href="#" data-channel="${B.esc(c.id)}" class="${ui.pane.kind === "channel" && ui.pane.id === c.id ? "active" : ""}">` +
      `${c.is_private ? "🔒" : "#"} ${B.esc(c.name)}</a></li>`).join("");
    $("open-dm").className = ui.pane.kind === "dm" ? "active" : "";
    $("open-home").className = ui.pane.kind === "home" ? "active" : "";
  }

  function renderPane() {
    const snap = ui.snap;
    const list = $("messages");
    // Follow new messages while the reader is at the bottom, and after they sent something or
    // opened another pane; leave them where they are when they scrolled up to read.
    const atBottom = ui.stick || list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    ui.stick = false;
    list.innerHTML = "";
    const pane = ui.pane;
    $("composer").hidden = pane.kind !== "channel";
    if (pane.kind === "home") {
      $("pane-title").textContent = "meetbot · Home";
      const view = snap.home[ui.me];
      if (!view) list.innerHTML = '<div class="empty">Opening the Home tab…</div>';
      else list.appendChild(B.renderBlocks(view.blocks, context({ view_id: view.id })));
      return;
    }
    let messages;
    let where = null;
    if (pane.kind === "dm") {
      $("pane-title").textContent = "meetbot · Messages";
      const dm = snap.dms[ui.me];
      messages = dm ? dm.messages : [];
      where = dm ? { channel: dm.channel } : null;
    } else {
      const channel = snap.channels.find((c) => c.id === pane.id) || snap.channels[0];
      $("pane-title").textContent = `${channel.is_private ? "🔒" : "#"} ${channel.name}` +
        (channel.is_member ? "" : " (meetbot is not a member)");
      messages = snap.messages[channel.id] || [];
      where = { channel: channel.id };
    }
    messages.filter(visible).forEach((m) => list.appendChild(messageNode(m, where, pane.kind === "channel")));
    if (!list.children.length) list.innerHTML = '<div class="empty">Nothing here yet.</div>';
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function roomButton(label, action, enabled, extra) {
    return `<button type="button" class="btn" data-room-action="${action}" ${enabled ? "" : "disabled"} ${extra || ""}>${label}</button>`;
  }

  function renderRooms() {
    const rooms = ui.snap.rooms;
    if (!rooms.length) {
      $("rooms").innerHTML = '<div class="empty">No rooms yet. Type <code>/meet Demo</code> in a channel.</div>';
      return;
    }
    $("rooms").innerHTML = rooms.map((room) => {
      const live = room.session;
      const people = live ? live.participants : [];
      const status = !room.available ? "Expired" : live ? `Live · ${people.length} in the room` : "Open · nobody in it";
      const canRecord = room.can_record && live;
      const recordingRuns = room.recordings.some((r) => r.live && r.status === "started");
      const unfinished = room.recordings.some((r) => r.status !== "uploaded");
      return `<div class="room" data-room-id="${B.esc(room.id)}">` +
        `<div class="room-title">${B.esc(room.title)}</div>` +
        `<div class="room-status">${B.esc(status)} · ${B.esc(room.detail)}` +
        `${recordingRuns ? " · 🔴 recording" : ""}</div>` +
        (people.length ? `<ul class="people">${people.map((p) =>
          `<li>${B.esc(p.name)}${p.is_host ? " (host)" : ""} <button type="button" class="leave" title="Leave" ` +
          `data-room-action="leave" data-participant="${B.esc(p.id)}">×</button></li>`).join("")}</ul>` : "") +
        (room.waiting && room.waiting.length ? `<div class="waiting">Waiting in the lobby:<ul class="people">${room.waiting.map((k) =>
          `<li>${B.esc(k.name)} ` +
          roomButton("Admit", "admit", Boolean(live), `data-participant="${B.esc(k.id)}"`) +
          roomButton("Deny", "deny", Boolean(live), `data-participant="${B.esc(k.id)}"`) +
          roomButton("Give up", "give-up", true, `data-participant="${B.esc(k.id)}"`) +
          `</li>`).join("")}</ul></div>` : "") +
        `<div class="controls">` +
        (room.lobby ? roomButton("Knock as guest", "knock", room.available) : "") +
        roomButton("Join as guest", "join", room.available) +
        roomButton("Join as host", "join-host", room.available) +
        roomButton("Record", "record", canRecord && !recordingRuns) +
        roomButton("End session", "end", Boolean(live)) +
        roomButton("Recording ready", "recording-ready", unfinished) +
        roomButton("Expire room", "expire", room.available) +
        // Issue 16: a room with notes on (Daily) finishes transcripts and summaries on demand.
        (room.notes ? roomButton("Transcript ready", "transcript-ready", room.transcripts_pending > 0) +
          roomButton("Summary ready", "summary-ready", room.summaries_pending > 0) : "") +
        `</div></div>`;
    }).join("");
  }

  // -- the modal: Slack's input blocks as a form, read back as view.state.values ------------------

  function inputElement(block) {
    const el = block.element;
    const id = `${block.block_id}.${el.action_id}`;
    const snap = ui.snap;
    switch (el.type) {
      case "plain_text_input":
        return el.multiline
          ? `<textarea id="${id}">${B.esc(el.initial_value || "")}</textarea>`
          : `<input type="text" id="${id}" value="${B.esc(el.initial_value || "")}" placeholder="${B.esc((el.placeholder || {}).text || "")}">`;
      case "conversations_select": {
        const current = el.initial_conversation || (ui.pane.kind === "channel" ? ui.pane.id : "");
        return `<select id="${id}"><option value="">Choose a conversation</option>` + snap.channels.map((c) =>
          `<option value="${B.esc(c.id)}" ${c.id === current ? "selected" : ""}>${c.is_private ? "🔒" : "#"}${B.esc(c.name)}</option>`).join("") + "</select>";
      }
      case "multi_users_select":
        return `<select id="${id}" multiple size="3">` + snap.users.map((u) =>
          `<option value="${B.esc(u.id)}" ${(el.initial_users || []).includes(u.id) ? "selected" : ""}>${B.esc(u.real_name)}</option>`).join("") + "</select>";
      case "checkboxes":
      case "radio_buttons": {
        const type = el.type === "checkboxes" ? "checkbox" : "radio";
        const initial = el.type === "checkboxes" ? (el.initial_options || []).map((o) => o.value) : [(el.initial_option || {}).value];
        return (el.options || []).map((o, i) =>
          `<label class="choice"><input type="${type}" name="${id}" id="${id}.${i}" value="${B.esc(o.value)}" ${initial.includes(o.value) ? "checked" : ""}> ` +
          `${B.text(o.text, {})}${o.description ? ` <span class="hint-text">${B.text(o.description, {})}</span>` : ""}</label>`).join("");
      }
      case "datepicker":
        return `<input type="date" id="${id}" value="${B.esc(el.initial_date || "")}">`;
      case "timepicker":
        return `<input type="time" id="${id}" value="${B.esc(el.initial_time || "")}">`;
      case "static_select": {
        const initial = (el.initial_option || {}).value;
        return `<select id="${id}">${initial === undefined ? '<option value=""></option>' : ""}` + (el.options || []).map((o) =>
          `<option value="${B.esc(o.value)}" ${o.value === initial ? "selected" : ""}>${B.text(o.text, {})}</option>`).join("") + "</select>";
      }
      default:
        return `<span class="unsupported">[${B.esc(el.type)}]</span>`;
    }
  }

  function readValue(block) {
    const el = block.element;
    const id = `${block.block_id}.${el.action_id}`;
    const node = document.getElementById(id);
    const option = (value) => (el.options || []).find((o) => o.value === value) || null;
    const checked = () => [...document.getElementsByName(id)].filter((n) => n.checked).map((n) => option(n.value));
    switch (el.type) {
      case "plain_text_input": return { type: el.type, value: node.value || null };
      case "conversations_select": return { type: el.type, selected_conversation: node.value || null };
      case "multi_users_select": return { type: el.type, selected_users: [...node.selectedOptions].map((o) => o.value) };
      case "checkboxes": return { type: el.type, selected_options: checked() };
      case "radio_buttons": return { type: el.type, selected_option: checked()[0] || null };
      case "datepicker": return { type: el.type, selected_date: node.value || null };
      case "timepicker": return { type: el.type, selected_time: node.value || null };
      case "static_select": return { type: el.type, selected_option: option(node.value) };
      default: return { type: el.type };
    }
  }

  function renderModal() {
    const view = ui.snap.modals[ui.me];
    const backdrop = $("modal-backdrop");
    if (!view) {
      backdrop.hidden = true;
      ui.modalKey = null;
      return;
    }
    const key = `${view.id}:${JSON.stringify(view.blocks)}`;
    const form = $("modal");
    if (key !== ui.modalKey) {
      ui.modalKey = key;
      form.innerHTML = `<h2>${B.text(view.title, {})}</h2>`;
      view.blocks.forEach((block) => {
        if (block.type !== "input") {
          form.appendChild(B.renderBlocks([block], context({ view_id: view.id })));
          return;
        }
        const node = document.createElement("div");
        node.className = "input-block";
        node.dataset.blockId = block.block_id;
        node.innerHTML =
          `<label class="title" for="${block.block_id}.${block.element.action_id}">${B.text(block.label, {})}` +
          `${block.optional ? ' <span class="optional">(optional)</span>' : ""}</label>` +
          inputElement(block) +
          (block.hint ? `<div class="hint-text">${B.text(block.hint, {})}</div>` : "") +
          '<div class="error"></div>';
        form.appendChild(node);
      });
      const buttons = document.createElement("div");
      buttons.className = "modal-buttons";
      buttons.innerHTML =
        `<button type="button" class="btn" id="modal-close">${B.text(view.close || { text: "Cancel" }, {})}</button>` +
        `<button type="submit" class="btn btn-primary" id="modal-submit">${B.text(view.submit || { text: "Submit" }, {})}</button>`;
      form.appendChild(buttons);
      $("modal-close").addEventListener("click", () => api(`views/${view.id}/close`, {}));
      form.onsubmit = (event) => {
        event.preventDefault();
        const values = {};
        view.blocks.filter((b) => b.type === "input").forEach((b) => {
          values[b.block_id] = { [b.element.action_id]: readValue(b) };
        });
        api(`views/${view.id}/submit`, { values });
      };
    }
    form.querySelectorAll(".input-block").forEach((node) => {
      node.querySelector(".error").textContent = view.errors[node.dataset.blockId] || "";
    });
    backdrop.hidden = false;
  }

  function render() {
    if (!ui.snap) return;
    renderSidebar();
    renderPane();
    renderRooms();
    renderModal();
  }

  // -- what the person does ---------------------------------------------------------------------

  function show(pane) {
    ui.pane = pane;
    ui.stick = true;
    if (pane.kind === "home") api("home", {});  // Slack sends app_home_opened on every visit
    render();
  }

  $("channels").addEventListener("click", (event) => {
    const link = event.target.closest("[data-channel]");
    if (!link) return;
    event.preventDefault();
    show({ kind: "channel", id: link.dataset.channel });
  });
  $("open-dm").addEventListener("click", (event) => { event.preventDefault(); show({ kind: "dm" }); });
  $("open-home").addEventListener("click", (event) => { event.preventDefault(); show({ kind: "home" }); });
  $("me").addEventListener("change", (event) => {
    ui.me = event.target.value;
    ui.modalKey = null;
    show(ui.pane);
  });
  $("global-shortcut").addEventListener("click", () => api("shortcut", { callback_id: "start_meeting" }));

  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text || ui.pane.kind !== "channel") return;
    input.value = "";
    ui.stick = true;
    const path = text.startsWith("/") ? "command" : "message";
    await api(path, { channel: ui.pane.id, text });
  });

  $("rooms").addEventListener("click", async (event) => {
    const button = event.target.closest("[data-room-action]");
    if (!button || button.disabled) return;
    const room = button.closest("[data-room-id]").dataset.roomId;
    await api(`rooms/${room}/${button.dataset.roomAction}`, { participant: button.dataset.participant || "" });
  });

  // Links in text (not buttons) that lead to a meeting open the emulated room too.
  $("messages").addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (link && !link.classList.contains("btn")) openLink(link.href, event);
  });

  const events = new EventSource("/sandbox/api/events");
  events.addEventListener("snapshot", (event) => {
    ui.snap = JSON.parse(event.data);
    render();
    document.body.dataset.version = String(ui.snap.version);
  });
})();
