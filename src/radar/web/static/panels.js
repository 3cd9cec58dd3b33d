// The side panels: an actor's profile with its ideas, groups and matches; an idea with who
// takes part and a suggested consortium; a working group with its members.

import * as api from "./api.js";
import { add, fill, h } from "./dom.js";
import { lang, t, term } from "./i18n.js";

const MAX_MEMBERS_ON_MAP = 40;

function pointOf(item) {
  return item && item.lat != null && item.lon != null ? [item.lat, item.lon] : null;
}

function reasonText(reason) {
  return reason[lang] || reason.en;
}

function percent(score) {
  return `${Math.round(score * 100)} %`;
}

function section(title, ...content) {
  return h("section", { class: "panel-section" }, h("h3", {}, title), ...content);
}

function loadingNote() {
  return h("p", { class: "loading" }, t("loading"));
}

function failure(error) {
  if (error.status === 429) return h("p", { class: "error" }, t("tooManyRequests", error.retryAfter || 60));
  return h("p", { class: "error" }, t("failed", error.message));
}

export class Panels {
  constructor(element, { mapView, topicLabel, actionFieldLabel, open, close, announce }) {
    Object.assign(this, { element, mapView, topicLabel, actionFieldLabel, open, close, announce });
    this.shown = 0;
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
  }

  /** Start a panel: its heading takes the focus; `live()` tells later if it is still shown. */
  begin(title, subtitle) {
    const shown = ++this.shown;
    const heading = h("h2", { id: "panel-title", tabindex: "-1" }, title);
    fill(
      this.element,
      h("div", { class: "panel-head" },
        h("button", { type: "button", class: "back", onclick: () => this.close() }, `← ${t("back")}`),
        heading,
        subtitle ? h("p", { class: "subtitle" }, subtitle) : null),
    );
    this.element.setAttribute("aria-labelledby", "panel-title");
    this.element.hidden = false;
    heading.focus({ preventScroll: false });
    return { live: () => shown === this.shown, heading };
  }

  hide() {
    this.shown++;
    this.element.hidden = true;
    fill(this.element);
  }

  slot(title) {
    const body = h("div", {}, loadingNote());
    add(this.element, section(title, body));
    return body;
  }

  tags(items, label = (item) => item) {
    return items.length
      ? h("ul", { class: "tags" }, items.map((item) => h("li", {}, label(item))))
      : h("p", { class: "muted" }, t("none"));
  }

  async showActor(id) {
    const panel = this.begin(t("loading"));
    let actor;
    try {
      actor = await api.actor(id);
    } catch (error) {
      if (panel.live()) add(this.element, failure(error));
      return null;
    }
    if (!panel.live()) return null;
    panel.heading.textContent = actor.name;
    panel.heading.after(h("p", { class: "subtitle" },
      [term("kinds", actor.kind), actor.district].filter(Boolean).join(" · ")));
    const here = pointOf(actor);
    this.mapView.select(here);
    const [details, about] = this.profile(actor);
    add(this.element, details);
    const matches = this.slot(t("matchesTitle"));
    add(this.element, about);
    const ideas = this.slot(t("ideas"));
    const groups = this.slot(t("groups"));
    this.fillActorIdeas(panel, ideas, actor);
    this.fillActorGroups(panel, groups, actor);
    this.fillMatches(panel, matches, actor, here);
    return actor;
  }

  profile(actor) {
    const rows = [];
    const row = (label, value) => value && rows.push(h("dt", {}, label), h("dd", {}, value));
    const place = [actor.street, [actor.postcode, actor.city].filter(Boolean).join(" ")]
      .filter(Boolean).join(", ");
    row(t("address"), place || null);
    if (actor.location_precision && actor.location_precision !== "exact" && !actor.street) {
      rows.push(h("dd", { class: "approximate" }, t("approximate")));
    }
    if (actor.website && /^https?:\/\//i.test(actor.website)) {
      row(t("website"), h("a", { href: actor.website, rel: "noopener noreferrer", target: "_blank" }, actor.website));
    }
    if (actor.contact_email) row(t("email"), h("a", { href: `mailto:${actor.contact_email}` }, actor.contact_email));
    if (actor.contact_phone) row(t("phone"), actor.contact_phone);
    if (actor.member_since) row(t("memberSince"), actor.member_since);
    // What it is first, then whom it could work with, then what it works on and in.
    return [
      h("div", { class: "profile" },
        rows.length ? h("dl", {}, rows) : null,
        actor.description ? h("p", { class: "description" }, actor.description) : null),
      h("div", { class: "profile-topics" },
        section(t("topics"), this.tags(actor.topics, this.topicLabel)),
        actor.offers.length ? section(t("offers"), this.tags(actor.offers)) : null,
        actor.seeks.length ? section(t("seeks"), this.tags(actor.seeks)) : null),
    ];
  }

  async fillActorIdeas(panel, body, actor) {
    try {
      const [taking, owning] = await Promise.all([
        api.get("ideas", { participant: actor.id, limit: 50 }),
        api.get("ideas", { owner_id: actor.id, limit: 50 }),
      ]);
      const ideas = new Map([...taking.data, ...owning.data].map((idea) => [idea.id, idea]));
      if (!panel.live()) return;
      fill(body, this.linkList([...ideas.values()], (idea) => [
        idea.title, `${term("kinds", idea.kind)} · ${term("status", idea.status)}`, () => this.open("idea", idea.id),
      ]));
    } catch (error) {
      if (panel.live()) fill(body, failure(error));
    }
  }

  async fillActorGroups(panel, body, actor) {
    try {
      const groups = await api.get("groups", { member: actor.id, limit: 50 });
      if (!panel.live()) return;
      fill(body, this.linkList(groups.data, (group) => [
        group.name, term("joinPolicy", group.join_policy), () => this.open("group", group.id),
      ]));
    } catch (error) {
      if (panel.live()) fill(body, failure(error));
    }
  }

  linkList(items, describe) {
    if (!items.length) return h("p", { class: "muted" }, t("none"));
    return h("ul", { class: "links" }, items.map((item) => {
      const [name, detail, action] = describe(item);
      return h("li", {},
        h("button", { type: "button", class: "link", onclick: action }, name),
        detail ? h("span", { class: "muted" }, ` ${detail}`) : null);
    }));
  }

  async fillMatches(panel, body, actor, here) {
    try {
      const found = await api.get(`actors/${actor.id}/matches`, { limit: 10 });
      if (!panel.live()) return;
      if (!found.data.length) {
        fill(body, h("p", { class: "muted" }, found.note ? reasonText(found.note) : t("none")));
        return;
      }
      fill(body, h("ol", { class: "matches" },
        found.data.map((match) => this.matchItem(match.actor, match.score, match.reasons, here))));
    } catch (error) {
      if (panel.live()) fill(body, failure(error));
    }
  }

  /** One suggestion: who, how well, why; its name flies to it and draws the line. */
  matchItem(other, score, reasons, from, extra = null) {
    const item = h("li", { class: "match", dataset: { id: other.id } });
    const show = h("button", {
      type: "button",
      class: "match-name",
      "aria-label": t("showOnMap", other.name),
      onclick: () => this.showMatch(item, other, from),
    }, other.name);
    const meter = h("meter", { min: "0", max: "1", value: String(score), "aria-label": `${t("score")} ${percent(score)}` });
    fill(item,
      h("div", { class: "match-head" }, show, h("span", { class: "score" }, meter, ` ${percent(score)}`)),
      h("p", { class: "muted" }, [term("kinds", other.kind), other.district].filter(Boolean).join(" · ")),
      extra,
      h("ul", { class: "reasons" }, reasons.map((reason) => reason.against
        ? h("li", { class: "against" }, h("span", { class: "visually-hidden" }, `${t("against")}: `), reasonText(reason))
        : h("li", {}, reasonText(reason)))),
      h("button", { type: "button", class: "link", onclick: () => this.open("actor", other.id) }, t("openProfile", other.name)),
    );
    return item;
  }

  async showMatch(item, other, from) {
    for (const chosen of this.element.querySelectorAll(".match.chosen")) chosen.classList.remove("chosen");
    item.classList.add("chosen");
    try {
      const there = pointOf(await api.actor(other.id));
      if (!there) {
        this.mapView.select(from);
        this.announce(t("notOnMap", other.name));
        return;
      }
      this.mapView.select(from, { line: from ? there : null });
      if (!from) this.mapView.select(there);
      this.mapView.flyToPoints(from ? [from, there] : [there]);
    } catch (error) {
      this.announce(error.message);
    }
  }

  async showIdea(id) {
    const panel = this.begin(t("loading"));
    let idea;
    try {
      idea = await api.get(`ideas/${encodeURIComponent(id)}`);
    } catch (error) {
      if (panel.live()) add(this.element, failure(error));
      return null;
    }
    if (!panel.live()) return null;
    panel.heading.textContent = idea.title;
    panel.heading.after(h("p", { class: "subtitle" },
      [term("kinds", idea.kind), term("status", idea.status), idea.city || idea.district].filter(Boolean).join(" · ")));
    const here = pointOf(idea);
    this.mapView.select(here);
    add(this.element,
      idea.summary ? h("p", { class: "description" }, idea.summary) : null,
      section(t("topics"), this.tags(idea.topics, this.topicLabel)),
      idea.seeking_topics.length || idea.seeking_kinds.length
        ? section(t("seeking"), this.tags([
          ...idea.seeking_topics.map(this.topicLabel),
          ...idea.seeking_kinds.map((kind) => term("kinds", kind)),
        ]))
        : null,
    );
    const participants = this.slot(t("participants"));
    const consortium = this.slot(t("consortium"));
    this.fillParticipants(panel, participants, idea);
    this.fillConsortium(panel, consortium, idea, here);
    return idea;
  }

  async fillParticipants(panel, body, idea) {
    const seen = await Promise.all(idea.participants.map(async (p) => {
      try {
        return { ...p, actor: await api.actor(p.actor_id) };
      } catch {
        return null;
      }
    }));
    if (!panel.live()) return;
    fill(body, this.linkList(seen.filter(Boolean), (p) => [
      p.actor.name, term("role", p.role), () => this.open("actor", p.actor.id),
    ]));
  }

  async fillConsortium(panel, body, idea, here) {
    try {
      const team = await api.get(`ideas/${idea.id}/consortium`, { k: 4 });
      if (!panel.live()) return;
      const open = [...team.open.topics.map(this.topicLabel), ...team.open.kinds.map((kind) => term("kinds", kind))];
      fill(body,
        team.members.length
          ? h("ol", { class: "matches" }, team.members.map((member) => {
            const covers = [...member.covers.topics.map(this.topicLabel), ...member.covers.kinds.map((kind) => term("kinds", kind))];
            const extra = covers.length ? h("p", { class: "covers" }, `${t("covers")}: ${covers.join(", ")}`) : null;
            return this.matchItem(member.actor, member.score, member.reasons, here, extra);
          }))
          : h("p", { class: "muted" }, t("none")),
        open.length ? h("p", { class: "open" }, `${t("stillOpen")}: ${open.join(", ")}`) : null);
    } catch (error) {
      if (panel.live()) fill(body, failure(error));
    }
  }

  async showGroup(id) {
    const panel = this.begin(t("loading"));
    let group;
    try {
      group = await api.get(`groups/${encodeURIComponent(id)}`);
    } catch (error) {
      if (panel.live()) add(this.element, failure(error));
      return null;
    }
    if (!panel.live()) return null;
    panel.heading.textContent = group.name;
    panel.heading.after(h("p", { class: "subtitle" }, term("joinPolicy", group.join_policy)));
    this.mapView.select(null);
    add(this.element,
      group.description ? h("p", { class: "description" }, group.description) : null,
      section(t("topics"), this.tags(group.topics, this.topicLabel)),
      group.action_fields.length ? section(t("actionField"), this.tags(group.action_fields, this.actionFieldLabel)) : null,
    );
    const members = this.slot(t("members"));
    try {
      const found = await api.get(`groups/${group.id}/members`, { status: "active", limit: 100 });
      if (!panel.live()) return group;
      fill(members, this.linkList(found.data, (member) => [
        member.actor_name, term("role", member.role), () => this.open("actor", member.actor_id),
      ]));
      const located = await Promise.all(found.data.slice(0, MAX_MEMBERS_ON_MAP).map(
        (member) => api.actor(member.actor_id).then(pointOf, () => null)));
      if (!panel.live()) return group;
      const points = located.filter(Boolean);
      this.mapView.showMembers(points);
      this.mapView.flyToPoints(points, 11);
      this.announce(t("membersOnMap", points.length));
    } catch (error) {
      if (panel.live()) fill(members, failure(error));
    }
    return group;
  }
}
