// Package share is bpfplay's short-link service: a playground state (the
// JSON object the web app also deflates into a URL fragment) is stored
// under an id derived from its content, and read back by that id.
//
// Ids are content-addressed: the first 64 bits of the SHA-256 of the
// canonical JSON, in base64url (11 characters). The same program shared
// twice gets the same link, and a link can never point at different
// content later. Should two different states ever hash to the same 64
// bits, the second gets the 128-bit id (22 characters) instead; nothing
// that was stored before changes.
//
// Canonical JSON: object keys sorted, no insignificant white space,
// strings re-encoded by encoding/json without HTML escaping, numbers kept
// as written. So `{"b":1, "a":2}` and `{"a":2,"b":1}` are one link.
//
// The package is pure Go and is used both by the server and by the
// Cloudflare Worker (worker/), so the two answer identically.
package share
