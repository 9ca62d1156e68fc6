/**
 * Text from people and files as it may be stored and shown: without terminal escape sequences, control
 * characters or invisible bidi marks, so a name can neither recolour, retitle or clear a terminal nor
 * reverse the text printed after it. One rule for the roster import (core) and the CLI's output.
 */

/**
 * Terminal escape sequences, removed whole so no "[31m" remnant is left: CSI ("ESC [" or C1 CSI, then
 * parameters and a final byte); the strings up to BEL or ST that OSC (a hyperlink, a window title), DCS,
 * SOS, PM and APC open; and the other ESC forms (intermediates, then one final byte, such as "ESC c" reset).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE_SEQUENCE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)|\u001b[ -/]*[0-~]/g;
/** C0 controls but the line break, DEL, C1 controls, and the invisible bidi marks, embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text without escape sequences, control characters (line breaks kept) and bidi marks. */
export function stripControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL, "");
}
