import { hotspotError } from "../../errors.ts";

/**
 * A deliberately small XML reader for WISPr gateway messages. WISPr XML is a handful of
 * flat elements with text (or CDATA) content, so this reads only that: elements, text,
 * CDATA, comments and the XML declaration. A DOCTYPE (the only way to declare entities)
 * is refused outright, named entities other than XML's five are left as they are, and
 * input size, element count and depth are capped: an entity bomb or a megabyte of nesting
 * from a hostile gateway costs nothing but a coded error.
 */

export interface XmlElement {
  /** Local name (any `prefix:` removed). */
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** Concatenated text and CDATA directly inside this element, trimmed. */
  readonly text: string;
}

export interface XmlLimits {
  readonly maxChars: number;
  readonly maxElements: number;
  readonly maxDepth: number;
}

export const WISPR_XML_LIMITS: XmlLimits = { maxChars: 16 * 1024, maxElements: 256, maxDepth: 8 };

const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function invalid(reason: string): Error {
  return hotspotError("HH_WISPR_INVALID", { reason });
}

/** XML's five entities and numeric references; anything else stays as written (never expanded). */
function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

interface Building {
  name: string;
  children: XmlElement[];
  text: string[];
}

/** Parses one XML document (its root element). Throws HH_WISPR_INVALID on anything else. */
export function parseXml(input: string, limits: XmlLimits = WISPR_XML_LIMITS): XmlElement {
  if (input.length > limits.maxChars) throw invalid(`XML larger than ${limits.maxChars} characters`);
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf("<", i);
    const textEnd = lt < 0 ? input.length : lt;
    if (textEnd > i) {
      const text = input.slice(i, textEnd);
      const top = stack.at(-1);
      if (top) top.text.push(decodeText(text));
      else if (text.trim() !== "") throw invalid("text outside the root element");
    }
    if (lt < 0) break;
    if (input.startsWith("<!--", lt)) {
      const end = input.indexOf("-->", lt + 4);
      if (end < 0) throw invalid("unterminated comment");
      i = end + 3;
    } else if (input.startsWith("<![CDATA[", lt)) {
      const end = input.indexOf("]]>", lt + 9);
      if (end < 0) throw invalid("unterminated CDATA section");
      const top = stack.at(-1);
      if (!top) throw invalid("CDATA outside the root element");
      top.text.push(input.slice(lt + 9, end));
      i = end + 3;
    } else if (input.startsWith("<?", lt)) {
      const end = input.indexOf("?>", lt + 2);
      if (end < 0) throw invalid("unterminated processing instruction");
      i = end + 2;
    } else if (input.startsWith("<!", lt)) {
      // <!DOCTYPE …> and <!ENTITY …>: the door to entity expansion. WISPr never needs one.
      throw invalid("document type declarations are not accepted");
    } else {
      const end = input.indexOf(">", lt + 1);
      if (end < 0) throw invalid("unterminated tag");
      const tag = input.slice(lt + 1, end);
      i = end + 1;
      if (tag.startsWith("/")) {
        const name = localName(tag.slice(1).trim());
        const open = stack.pop();
        if (!open || open.name !== name) throw invalid(`unexpected closing tag </${name}>`);
        const done: XmlElement = {
          name: open.name,
          children: open.children,
          text: open.text.join("").trim(),
        };
        const parent = stack.at(-1);
        if (parent) parent.children.push(done);
        else root = done;
        continue;
      }
      const selfClosing = tag.endsWith("/");
      const name = localName((selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s/)[0] ?? "");
      if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw invalid("malformed tag");
      if (root !== undefined || (stack.length === 0 && elements > 0))
        throw invalid("more than one root element");
      if (++elements > limits.maxElements) throw invalid(`more than ${limits.maxElements} elements`);
      if (selfClosing) {
        const done: XmlElement = { name, children: [], text: "" };
        const parent = stack.at(-1);
        if (parent) parent.children.push(done);
        else root = done;
        continue;
      }
      if (stack.length >= limits.maxDepth) throw invalid(`nesting deeper than ${limits.maxDepth}`);
      stack.push({ name, children: [], text: [] });
    }
  }
  if (stack.length > 0 || root === undefined) throw invalid("no complete root element");
  return root;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(":");
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}
