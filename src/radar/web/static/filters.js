// The filter form: free text, topics with the API's suggestions as you type, action field,
// district, kind and layers. It reports changes; the address and the map follow them.

import * as api from "./api.js";
import { debounce, fill, h } from "./dom.js";
import { KINDS, labelOf, t, term } from "./i18n.js";

export class Filters {
  constructor(form, { onChange, topicLabel }) {
    this.form = form;
    this.onChange = onChange;
    this.topicLabel = topicLabel;
    this.topics = [];
    this.el = (id) => form.querySelector(`#${id}`);
    this.input = this.el("topic-input");
    this.options = this.el("topic-options");
    this.suggestions = [];
    this.active = -1;
    this.lookup = null;

    this.el("q").addEventListener("input", debounce(() => this.changed({ q: this.el("q").value.trim() }), 350));
    for (const name of ["action-field", "district", "kind"]) {
      this.el(name).addEventListener("change", () => this.changed({ [this.el(name).name]: this.el(name).value }));
    }
    for (const box of form.querySelectorAll(".layers input")) {
      box.addEventListener("change", () => this.changed({ layers: this.layers() }));
    }
    this.el("clear").addEventListener("click", () => {
      this.changed({ q: "", topic: [], action_field: "", district: "", kind: "" });
      this.el("q").focus();
    });
    form.addEventListener("submit", (event) => event.preventDefault());
    this.input.addEventListener("input", debounce(() => this.suggest(), 150));
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.closeOptions(), 150));
  }

  /** Fill the choices: action fields and districts from the API, kinds from the schema. */
  setChoices({ actionFields, districts }) {
    const keep = (select, options) => {
      const current = select.value;
      fill(select, h("option", { value: "" }, t("all")), options);
      select.value = current;
    };
    keep(this.el("action-field"), actionFields.map((field) => h("option", { value: field.slug }, labelOf(field))));
    keep(this.el("district"), districts.map((name) => h("option", { value: name }, name)));
    keep(this.el("kind"), KINDS.map((kind) => h("option", { value: kind }, term("kinds", kind))));
  }

  /** Show `state` in the form (after a page load or going back in history). */
  show(state) {
    this.el("q").value = state.q;
    for (const [id, name] of [["action-field", "action_field"], ["district", "district"], ["kind", "kind"]]) {
      const select = this.el(id);
      if (state[name] && ![...select.options].some((option) => option.value === state[name])) {
        select.append(h("option", { value: state[name] }, state[name]));
      }
      select.value = state[name];
    }
    for (const box of this.form.querySelectorAll(".layers input")) {
      box.checked = state.layers.includes(box.value);
    }
    this.topics = [...state.topic];
    this.drawChips();
  }

  layers() {
    return [...this.form.querySelectorAll(".layers input")].filter((box) => box.checked).map((box) => box.value);
  }

  changed(change) {
    if (change.topic) {
      this.topics = [...change.topic];
      this.drawChips();
    }
    if ("q" in change) this.el("q").value = change.q;
    for (const [id, name] of [["action-field", "action_field"], ["district", "district"], ["kind", "kind"]]) {
      if (name in change) this.el(id).value = change[name];
    }
    this.onChange(change);
  }

  drawChips() {
    fill(
      this.el("topic-chips"),
      this.topics.map((slug) => {
        const label = this.topicLabel(slug);
        return h(
          "li",
          { class: "chip" },
          h("span", {}, label),
          h(
            "button",
            {
              type: "button",
              "aria-label": t("removeTopic", label),
              onclick: () => {
                this.changed({ topic: this.topics.filter((other) => other !== slug) });
                this.input.focus();
              },
            },
            "×",
          ),
        );
      }),
    );
  }

  async suggest() {
    const typed = this.input.value.trim();
    this.lookup?.abort();
    if (!typed) return this.closeOptions();
    this.lookup = new AbortController();
    try {
      const found = await api.get("topics/suggest", { q: typed, limit: 8 }, { signal: this.lookup.signal });
      this.suggestions = found.data.filter((topic) => !this.topics.includes(topic.slug));
    } catch (error) {
      if (error.name === "AbortError") return;
      this.suggestions = [];
    }
    this.active = this.suggestions.length ? 0 : -1;
    this.drawOptions();
  }

  drawOptions() {
    const items = this.suggestions.map((topic, index) => {
      const other = labelOf(topic) === topic.label_de ? topic.label_en : topic.label_de;
      return h(
        "li",
        {
          id: `topic-option-${index}`,
          role: "option",
          "aria-selected": index === this.active ? "true" : "false",
          dataset: { slug: topic.slug },
          onmousedown: (event) => {
            event.preventDefault();
            this.choose(index);
          },
        },
        h("span", {}, labelOf(topic)),
        other && other !== labelOf(topic) ? h("span", { class: "other-language" }, other) : null,
      );
    });
    if (!items.length) items.push(h("li", { class: "empty", role: "option", "aria-disabled": "true" }, t("noSuggestion")));
    fill(this.options, items);
    this.options.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.markActive();
  }

  markActive() {
    for (const [index, item] of [...this.options.children].entries()) {
      item.setAttribute("aria-selected", index === this.active ? "true" : "false");
    }
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `topic-option-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
  }

  closeOptions() {
    this.options.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  choose(index) {
    const topic = this.suggestions[index];
    if (!topic) return;
    this.input.value = "";
    this.closeOptions();
    this.changed({ topic: [...this.topics, topic.slug] });
  }

  key(event) {
    const open = !this.options.hidden && this.suggestions.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return this.suggest();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.suggestions.length) % this.suggestions.length;
      this.markActive();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (open && this.active >= 0) this.choose(this.active);
    } else if (event.key === "Escape" && !this.options.hidden) {
      event.preventDefault();
      event.stopPropagation();
      this.closeOptions();
    } else if (event.key === "Backspace" && !this.input.value && this.topics.length) {
      this.changed({ topic: this.topics.slice(0, -1) });
    }
  }
}
