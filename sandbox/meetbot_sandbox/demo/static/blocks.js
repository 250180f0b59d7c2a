// Block Kit and mrkdwn, rendered the way Slack shows them, closely enough to judge a card.
// Pure functions of (blocks, context); context = {users, channels, onButton(element, block)}.
// https://api.slack.com/reference/block-kit/blocks, .../surfaces/formatting
"use strict";

(function () {
  const EMOJI = {
    video_camera: "📹", large_green_circle: "🟢", red_circle: "🔴", white_circle: "⚪",
    white_check_mark: "✅", no_entry_sign: "🚫", hourglass_flowing_sand: "⏳",
    movie_camera: "🎥", key: "🔑", wave: "👋", information_source: "ℹ️", thread: "🧵",
    warning: "⚠️", repeat: "🔁", calendar: "📅", link: "🔗", tada: "🎉", x: "❌",
    memo: "📝", page_facing_up: "📄", wastebasket: "🗑️", no_entry: "⛔",
  };

  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function decode(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emoji(text) {
    return text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] || all);
  }

  // Slack shows a <!date> in the reader's own time zone: the page's reader is the person picked
  // in "You are", not the browser, so their zone comes in (ctx.timeZone).
  function formatDate(epoch, format, fallback, timeZone) {
    const when = new Date(Number(epoch) * 1000);
    if (isNaN(when.getTime())) return fallback;
    const zone = timeZone ? { timeZone } : {};
    const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", ...zone });
    const short = when.toLocaleDateString([], { month: "short", day: "numeric", year: "numeric", ...zone });
    const long = when.toLocaleDateString([], zone);
    return format
      .replace("{time}", time)
      .replace("{date_short_pretty}", short)
      .replace("{date_short}", short)
      .replace("{date}", long)
      .replace("{date_pretty}", long);
  }

  // One <...> token of mrkdwn: a link, a mention, a date or a special mention.
  function token(inner, ctx) {
    const [target, label] = splitOnce(inner, "|");
    if (target.startsWith("@")) {
      const user = (ctx.users || {})[target.slice(1)];
      const name = user ? user.real_name : label || target.slice(1);
      return `<span class="mention">@${esc(name)}</span>`;
    }
    if (target.startsWith("#")) {
      const channel = (ctx.channels || {})[target.slice(1)];
      const name = channel ? channel.name : label || target.slice(1);
      return `<span class="mention">#${esc(name)}</span>`;
    }
    if (target.startsWith("!date^")) {
      const [, epoch, format] = target.split("^");
      return `<time>${esc(formatDate(epoch, format || "{date}", decode(label || ""), ctx.timeZone))}</time>`;
    }
    if (target.startsWith("!")) {
      return `<span class="mention">@${esc(target.slice(1))}</span>`;
    }
    const url = decode(target);
    const shown = label ? decode(label) : url;
    return `<a href="${esc(url)}" target="_blank" rel="noopener">${esc(shown)}</a>`;
  }

  function splitOnce(text, sep) {
    const at = text.indexOf(sep);
    return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
  }

  // Slack's mrkdwn: <links|labels>, *bold*, _italic_, ~strike~, `code`, ```pre```, :emoji:.
  function mrkdwn(text, ctx) {
    const held = [];
    const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
    let out = String(text || "");
    out = out.replace(/```([\s\S]*?)```/g, (_, code) => hold(`<pre>${esc(decode(code))}</pre>`));
    out = out.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${esc(decode(code))}</code>`));
    out = out.replace(/<([^<>]+)>/g, (_, inner) => hold(token(inner, ctx)));
    out = esc(decode(out));
    out = out.replace(/(^|[\s(\u0000])\*(?!\s)([^*\n]+?)\*(?=$|[\s.,;:!?)\u0000])/g, "$1<b>$2</b>");
    out = out.replace(/(^|[\s(\u0000])_(?!\s)([^_\n]+?)_(?=$|[\s.,;:!?)\u0000])/g, "$1<i>$2</i>");
    out = out.replace(/(^|[\s(\u0000])~(?!\s)([^~\n]+?)~(?=$|[\s.,;:!?)\u0000])/g, "$1<s>$2</s>");
    out = emoji(out).replace(/\n/g, "<br>");
    return out.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
  }

  function text(obj, ctx) {
    if (!obj) return "";
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
    return emoji(esc(obj.text || ""));
  }

  function button(element, block, ctx) {
    const node = document.createElement(element.url ? "a" : "button");
    node.className = "btn" + (element.style ? ` btn-${element.style}` : "");
    node.innerHTML = text(element.text, ctx);
    node.dataset.actionId = element.action_id || "";
    if (element.url) {
      node.href = element.url;
      node.target = "_blank";
      node.rel = "noopener";
    }
    node.addEventListener("click", (event) => {
      if (!ctx.onButton) return;
      if (!element.confirm) {
        ctx.onButton(element, block, event);
        return;
      }
      // Slack asks first, and sends the click only when the person confirms.
      event.preventDefault();
      confirmDialog(element.confirm, ctx, () => ctx.onButton(element, block, event));
    });
    return node;
  }

  // Slack's confirmation dialog object: title, text, confirm and deny labels.
  function confirmDialog(confirm, ctx, onConfirm) {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.innerHTML =
      `<h3>${text(confirm.title, ctx)}</h3><p>${text(confirm.text, ctx)}</p>` +
      '<div class="modal-buttons">' +
      `<button type="button" class="btn" data-choice="deny">${text(confirm.deny || { type: "plain_text", text: "Cancel" }, ctx)}</button>` +
      `<button type="button" class="btn btn-${confirm.style || "primary"}" data-choice="confirm">${text(confirm.confirm || { type: "plain_text", text: "Yes" }, ctx)}</button>` +
      "</div>";
    dialog.addEventListener("click", (event) => {
      const choice = event.target.closest("[data-choice]");
      if (!choice) return;
      dialog.close();
      dialog.remove();
      if (choice.dataset.choice === "confirm") onConfirm();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  // Slack's overflow menu: a "⋯" button listing up to five options; picking one sends it.
  function overflow(el, block, ctx) {
    const node = document.createElement("select");
    node.className = "btn overflow";
    node.dataset.actionId = el.action_id || "";
    node.title = "More actions";
    node.innerHTML = '<option value="" selected>⋯</option>' +
      (el.options || []).map((o, i) => `<option value="${i}">${esc((o.text || {}).text || "")}</option>`).join("");
    node.addEventListener("change", (event) => {
      const option = (el.options || [])[Number(node.value)];
      node.value = "";
      if (option && ctx.onButton) ctx.onButton({ ...el, selected_option: option }, block, event);
    });
    return node;
  }

  function element(el, block, ctx) {
    if (el.type === "button") return button(el, block, ctx);
    if (el.type === "overflow") return overflow(el, block, ctx);
    if (el.type === "image") {
      const img = document.createElement("img");
      img.src = el.image_url;
      img.alt = el.alt_text || "";
      img.className = "accessory-image";
      return img;
    }
    const other = document.createElement("span");
    other.className = "unsupported";
    other.textContent = `[${el.type}]`;
    return other;
  }

  function div(className, html) {
    const node = document.createElement("div");
    node.className = className;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function block(b, ctx) {
    switch (b.type) {
      case "section": {
        const node = div("block section");
        const body = div("section-body", text(b.text, ctx));
        if (b.fields) {
          const fields = div("fields");
          b.fields.forEach((f) => fields.appendChild(div("field", text(f, ctx))));
          body.appendChild(fields);
        }
        node.appendChild(body);
        if (b.accessory) node.appendChild(element(b.accessory, b, ctx));
        return node;
      }
      case "context": {
        const node = div("block context");
        (b.elements || []).forEach((el) => {
          if (el.type === "image") node.appendChild(element(el, b, ctx));
          else node.appendChild(div("context-item", text(el, ctx)));
        });
        return node;
      }
      case "actions": {
        const node = div("block actions");
        (b.elements || []).forEach((el) => node.appendChild(element(el, b, ctx)));
        return node;
      }
      case "header":
        return div("block header", text(b.text, ctx));
      case "divider":
        return document.createElement("hr");
      case "image": {
        const node = div("block image");
        if (b.title) node.appendChild(div("image-title", text(b.title, ctx)));
        const img = document.createElement("img");
        img.src = b.image_url;
        img.alt = b.alt_text || "";
        node.appendChild(img);
        return node;
      }
      case "call": {
        const call = (ctx.calls || {})[b.call_id];
        const node = div("block call");
        // As Slack draws it: the state, and for an ended call how long it lasted (the people in
        // it are the card's business, which names them).
        let line = "📞 <b>Call in progress</b>";
        if (call && call.date_end) {
          const lasted = call.date_start ? Math.max(0, call.date_end - call.date_start) : null;
          const minutes = lasted === null ? null : Math.max(1, Math.round(lasted / 60));
          line = "📞 <b>Call ended</b>" + (minutes === null ? "" : ` · lasted ${minutes} min`);
        }
        node.innerHTML = line;
        return node;
      }
      case "rich_text":
        return div("block rich", esc(JSON.stringify(b.elements || []).slice(0, 200)));
      default:
        return div("block unsupported", `[${esc(b.type)} block]`);
    }
  }

  function renderBlocks(blocks, ctx) {
    const frag = document.createDocumentFragment();
    (blocks || []).forEach((b) => frag.appendChild(block(b, ctx)));
    return frag;
  }

  window.SandboxBlocks = { renderBlocks, mrkdwn, text, esc, formatDate };
})();
