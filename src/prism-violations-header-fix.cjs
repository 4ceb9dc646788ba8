// Preloaded into Prism by startMock (node --require). Works around stoplightio/prism#1934: Prism puts
// its violation messages, which quote the offending request text, into the `sl-violations` header;
// when that text has a character outside Latin-1 (an unknown key named in Cyrillic, an emoji) Node's
// setHeader throws and the whole Prism process dies. The header is JSON, so escaping every character
// outside printable ASCII as \uXXXX keeps it valid JSON that parses back to the very same strings.
'use strict';
const { ServerResponse } = require('node:http');

const setHeader = ServerResponse.prototype.setHeader;
ServerResponse.prototype.setHeader = function setHeaderWithAsciiViolations(name, value) {
  if (typeof value === 'string' && String(name).toLowerCase() === 'sl-violations') {
    value = value.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  return setHeader.call(this, name, value);
};
