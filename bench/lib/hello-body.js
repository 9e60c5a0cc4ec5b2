// The body both HTTP round-trip targets answer, so they serialise the same bytes.
export const HELLO_BODY = { message: "hello", ok: true, items: [1, 2, 3] };
