// The scripts' sentences in the reader's language. Django's JavaScriptCatalog (a script
// loaded before this module) defines gettext and ngettext for the page's language;
// without it the English stands. makemessages -d djangojs finds the calls by these names.

export const language = document.documentElement.lang || "en";
const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));

export function gettext(text, values = {}) {
  return fill(window.gettext ? window.gettext(text) : text, values);
}

export function pgettext(context, text, values = {}) {
  return fill(window.pgettext ? window.pgettext(context, text) : text, values);
}

export function ngettext(singular, plural, count, values = {}) {
  const text = window.ngettext ? window.ngettext(singular, plural, count) : count === 1 ? singular : plural;
  return fill(text, { count: number(count), ...values });
}

export const number = (n) => Number(n).toLocaleString(language);

// "3 photos" / "사진 3장", the nouns the pages count.
const NOUNS = {
  photo: (n) => ngettext("%(count)s photo", "%(count)s photos", n),
  video: (n) => ngettext("%(count)s video", "%(count)s videos", n),
};
export const counted = (n, noun = "photo") => NOUNS[noun](n);
