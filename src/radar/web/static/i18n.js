// The page's words in German and English, chosen by the browser's language.

const STRINGS = {
  en: {
    skipToFilters: "Skip to the filters",
    tagline: "Who works on what, and where",
    signIn: "Sign in",
    signOut: "Sign out",
    signedInAs: (name, role) => `${name} (${role})`,
    anonymous: "Not signed in: public profiles only",
    mapLabel: "Map of actors and ideas",
    sidebarLabel: "Filters and results",
    filtersLabel: "Filters",
    search: "Search",
    searchPlaceholder: "Name, description …",
    topic: "Topic",
    topicPlaceholder: "e.g. hydrogen, Kunststoff",
    topicHint: "German or English; choose with the arrow keys and Enter.",
    chosenTopics: "Chosen topics",
    removeTopic: (label) => `Remove topic ${label}`,
    noSuggestion: "No topic found",
    actionField: "Action field",
    district: "District",
    kind: "Kind",
    all: "All",
    layers: "On the map",
    layerActors: "Actors",
    layerIdeas: "Ideas and projects",
    layerGroups: "Working groups",
    clearFilters: "Clear filters",
    groupsTitle: "Working groups",
    resultsTitle: "On the map",
    legend: "Legend",
    signInTitle: "Sign in with an API token",
    signInHelp:
      "Paste a token (radar_…). It is kept in this browser tab only and forgotten when you close it.",
    token: "API token",
    cancel: "Cancel",
    tokenRefused: "This token was not accepted.",
    signInNeeded: "Sign in to see the map.",
    loading: "Loading …",
    inView: (n) => (n === 1 ? "1 item in this area" : `${n} items in this area`),
    found: (n) => (n === 1 ? "1 found" : `${n} found`),
    truncated: "More than shown: zoom in or narrow the filters.",
    nothingHere: "Nothing here with these filters.",
    clusterLabel: (n, what) => `${n} items here: ${what}. Zoom in`,
    clusterItem: (n, topics) => `${n} items${topics ? ` · ${topics}` : ""}`,
    zoomIn: "zoom in",
    more: (n) => `and ${n} more`,
    noLocation: "no location shown",
    tooManyRequests: (s) => `Too many requests; try again in ${s} s.`,
    failed: (detail) => `Could not load: ${detail}`,
    offline: "The server cannot be reached.",
    noTiles: "Base map unavailable: the points are shown on a plain background.",
    back: "Back to the list",
    close: "Close",
    profile: "Profile",
    address: "Address",
    approximate: "Location shown approximately",
    website: "Website",
    email: "Email",
    phone: "Phone",
    memberSince: "Member since",
    topics: "Topics",
    offers: "Offers",
    seeks: "Seeks",
    ideas: "Ideas and projects",
    groups: "Working groups",
    none: "None.",
    matchesTitle: "Who could work with us",
    score: "Match",
    showOnMap: (name) => `Show ${name} on the map`,
    openProfile: (name) => `Open the profile of ${name}`,
    notOnMap: (name) => `${name} shows no location.`,
    against: "Speaks against it",
    participants: "Who takes part",
    consortium: "Suggested consortium",
    covers: "Covers",
    stillOpen: "Still open",
    seeking: "Looking for",
    members: "Members",
    membersOnMap: (n) => `${n} members shown on the map`,
    joinPolicy: { open: "open to join", approval: "joining needs approval" },
    status: { open: "open", running: "running", completed: "completed", archived: "archived" },
    role: { lead: "lead", partner: "partner", member: "member", admin: "admin", analyst: "analyst" },
    kinds: {
      company: "Company",
      university: "University",
      research_institute: "Research institute",
      startup: "Start-up",
      network: "Network",
      chamber: "Chamber",
      public_body: "Public body",
      other: "Other",
      idea: "Idea",
      use_case: "Use case",
      joint_project: "Joint project",
    },
  },
  de: {
    skipToFilters: "Zu den Filtern springen",
    tagline: "Wer arbeitet woran, und wo",
    signIn: "Anmelden",
    signOut: "Abmelden",
    signedInAs: (name, role) => `${name} (${role})`,
    anonymous: "Nicht angemeldet: nur öffentliche Profile",
    mapLabel: "Karte der Akteure und Ideen",
    sidebarLabel: "Filter und Ergebnisse",
    filtersLabel: "Filter",
    search: "Suche",
    searchPlaceholder: "Name, Beschreibung …",
    topic: "Thema",
    topicPlaceholder: "z. B. Wasserstoff, plastics",
    topicHint: "Deutsch oder Englisch; mit den Pfeiltasten und Enter wählen.",
    chosenTopics: "Gewählte Themen",
    removeTopic: (label) => `Thema ${label} entfernen`,
    noSuggestion: "Kein Thema gefunden",
    actionField: "Handlungsfeld",
    district: "Kreis",
    kind: "Art",
    all: "Alle",
    layers: "Auf der Karte",
    layerActors: "Akteure",
    layerIdeas: "Ideen und Projekte",
    layerGroups: "Arbeitsgruppen",
    clearFilters: "Filter zurücksetzen",
    groupsTitle: "Arbeitsgruppen",
    resultsTitle: "Auf der Karte",
    legend: "Legende",
    signInTitle: "Mit einem API-Token anmelden",
    signInHelp:
      "Token (radar_…) einfügen. Er bleibt nur in diesem Browser-Tab und ist beim Schließen vergessen.",
    token: "API-Token",
    cancel: "Abbrechen",
    tokenRefused: "Dieser Token wurde nicht angenommen.",
    signInNeeded: "Melden Sie sich an, um die Karte zu sehen.",
    loading: "Lädt …",
    inView: (n) => (n === 1 ? "1 Eintrag in diesem Gebiet" : `${n} Einträge in diesem Gebiet`),
    found: (n) => (n === 1 ? "1 gefunden" : `${n} gefunden`),
    truncated: "Mehr als angezeigt: hineinzoomen oder Filter enger fassen.",
    nothingHere: "Nichts hier mit diesen Filtern.",
    clusterLabel: (n, what) => `${n} Einträge hier: ${what}. Hineinzoomen`,
    clusterItem: (n, topics) => `${n} Einträge${topics ? ` · ${topics}` : ""}`,
    zoomIn: "hineinzoomen",
    more: (n) => `und ${n} weitere`,
    noLocation: "kein Ort angezeigt",
    tooManyRequests: (s) => `Zu viele Anfragen; in ${s} s erneut versuchen.`,
    failed: (detail) => `Konnte nicht laden: ${detail}`,
    offline: "Der Server ist nicht erreichbar.",
    noTiles: "Grundkarte nicht verfügbar: die Punkte erscheinen auf schlichtem Hintergrund.",
    back: "Zurück zur Liste",
    close: "Schließen",
    profile: "Profil",
    address: "Adresse",
    approximate: "Ort nur ungefähr angezeigt",
    website: "Website",
    email: "E-Mail",
    phone: "Telefon",
    memberSince: "Mitglied seit",
    topics: "Themen",
    offers: "Bietet",
    seeks: "Sucht",
    ideas: "Ideen und Projekte",
    groups: "Arbeitsgruppen",
    none: "Keine.",
    matchesTitle: "Wer mit uns arbeiten könnte",
    score: "Passung",
    showOnMap: (name) => `${name} auf der Karte zeigen`,
    openProfile: (name) => `Profil von ${name} öffnen`,
    notOnMap: (name) => `${name} zeigt keinen Ort.`,
    against: "Spricht dagegen",
    participants: "Wer mitmacht",
    consortium: "Vorgeschlagenes Konsortium",
    covers: "Deckt ab",
    stillOpen: "Noch offen",
    seeking: "Gesucht",
    members: "Mitglieder",
    membersOnMap: (n) => `${n} Mitglieder auf der Karte`,
    joinPolicy: { open: "offen für alle", approval: "Beitritt nach Freigabe" },
    status: { open: "offen", running: "läuft", completed: "abgeschlossen", archived: "archiviert" },
    role: { lead: "Leitung", partner: "Partner", member: "Mitglied", admin: "Admin", analyst: "Analyst" },
    kinds: {
      company: "Unternehmen",
      university: "Hochschule",
      research_institute: "Forschungseinrichtung",
      startup: "Start-up",
      network: "Netzwerk",
      chamber: "Kammer",
      public_body: "Öffentliche Einrichtung",
      other: "Sonstige",
      idea: "Idee",
      use_case: "Anwendungsfall",
      joint_project: "Verbundprojekt",
    },
  },
};

/** "de" when the browser prefers German, else "en". */
export function browserLanguage(languages = navigator.languages || [navigator.language]) {
  for (const tag of languages) {
    const base = String(tag || "").toLowerCase().split("-")[0];
    if (base === "de" || base === "en") return base;
  }
  return "en";
}

export const lang = browserLanguage();
const words = STRINGS[lang];

/** The word for `key`; a function's result when it takes arguments. */
export function t(key, ...args) {
  const value = words[key] ?? STRINGS.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

/** A label from a group of words (kinds, statuses, roles), or the key itself. */
export function term(group, key) {
  return words[group]?.[key] ?? key;
}

/** The label of a taxonomy entry ({label_de, label_en}) in the page's language. */
export function labelOf(entry) {
  return (lang === "de" ? entry.label_de : entry.label_en) || entry.label_de || entry.slug;
}

/** Translate the static page: text, aria-label and placeholder marked with data-i18n-*. */
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

export const KINDS = [
  "company",
  "university",
  "research_institute",
  "startup",
  "network",
  "chamber",
  "public_body",
  "other",
];
export const IDEA_KINDS = ["idea", "use_case", "joint_project"];
