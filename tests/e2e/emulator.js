'use strict';

/*
 * Launcher for the `telegram-test-api` (4.2.1) Bot API emulator used by the end-to-end tests.
 *
 * The package has no working command-line start and gets several things wrong for
 * python-telegram-bot 22 (see ../shared/docs/TELEGRAM-EMULATOR.md). Rather than forking it,
 * this launcher wraps the package's express app in an outer app whose routes run first:
 *
 *   outer app:  body parsers -> call log + fault injection -> bot-method overrides
 *               -> user-side routes -> /control/* test routes -> the package's own app
 *
 * The package still owns the HTTP server, the update/message storage, bot-side getUpdates,
 * the user-side /getUpdates and /getUpdatesHistory routes, webhook bookkeeping and the
 * "method not supported" catch-all (HTTP 500) for every method nobody answers.
 *
 * Usage:  node tests/e2e/emulator.js [--host 127.0.0.1] [--port 0] [--watch-stdin]
 * Prints exactly one line to stdout, {"ready": true, "port": N, "url": "..."}; logs go to stderr.
 * Exits on SIGTERM/SIGINT and, with --watch-stdin, when stdin closes (so a dead parent never
 * leaves an orphan). Watching stdin is opt-in because `node emulator.js </dev/null &` would
 * otherwise exit at once.
 */

const { createRequire } = require('module');

const PACKAGE = 'telegram-test-api';

function loadPackage() {
  try {
    const pkgRequire = createRequire(require.resolve(PACKAGE));
    // module.exports is the class itself. express is the package's dependency, not ours:
    // resolve it the way the package does.
    return { TelegramServer: require(PACKAGE), express: pkgRequire('express') };
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    process.stderr.write(`${PACKAGE} is not installed: run \`npm ci\` in the project root.\n`);
    process.exit(2);
  }
  return null;
}

const { TelegramServer, express } = loadPackage();
const busboy = require('busboy');

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: 0, watchStdin: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--host') args.host = argv[++i];
    else if (argv[i] === '--port') args.port = Number(argv[++i]);
    else if (argv[i] === '--watch-stdin') args.watchStdin = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

// The package purges stored messages older than storeTimeout (seconds, default 60) and runs the
// purge with setInterval(storeTimeout). Node clamps intervals above 2^31-1 ms (~24.8 days) to
// 1 ms, which would spin the purge every millisecond: one day is "large" and still safe.
const STORE_TIMEOUT_S = 24 * 60 * 60;
const MAX_TEXT_LENGTH = 4096;
const MAX_CALL_LOG = 5000;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const nowS = () => Math.floor(Date.now() / 1000);

/** Telegram errors as PTB expects them: HTTP status mirrored in error_code. */
function fail(res, status, description, parameters) {
  const body = { ok: false, error_code: status, description };
  if (parameters) body.parameters = parameters;
  res.status(status).json(body);
}

const ok = (res, result) => res.json({ ok: true, result });

/** Error thrown by handlers to answer "400 Bad Request: ..." like Telegram. */
class BadRequest extends Error {}

// PTB posts form-encoded parameters where objects are JSON strings and numbers are strings.
const JSON_FIELDS = ['reply_markup', 'entities', 'reply_parameters', 'link_preview_options',
  'results', 'commands', 'scope', 'button', 'caption_entities', 'menu_button'];
const INT_FIELDS = ['message_id', 'cache_time', 'offset', 'limit', 'timeout'];

function toChatId(value) {
  return /^-?\d+$/.test(String(value)) ? Number(value) : value;
}

function parseParams(raw) {
  const params = { ...raw };
  for (const key of JSON_FIELDS) {
    if (typeof params[key] === 'string' && params[key] !== '') {
      try {
        params[key] = JSON.parse(params[key]);
      } catch (_error) {
        throw new BadRequest(`can't parse ${key} JSON object`);
      }
    }
  }
  for (const key of INT_FIELDS) {
    if (params[key] !== undefined && params[key] !== '') params[key] = Number(params[key]);
  }
  if (params.chat_id !== undefined) params.chat_id = toChatId(params.chat_id);
  return params;
}

/** Bot id is the token's numeric prefix, as on Telegram; the package always said 666. */
function botUser(token) {
  const prefix = Number(String(token).split(':')[0]);
  return {
    id: Number.isSafeInteger(prefix) && prefix > 0 ? prefix : 666,
    is_bot: true,
    first_name: 'Test Bot',
    username: 'TestNameBot',
  };
}

// ---------------------------------------------------------------------------------------------
// Text checks: the package stores anything. These catch the mistakes Telegram would reject.
// ---------------------------------------------------------------------------------------------

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span',
  'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);
const TAG_RE = /^<(\/?)([a-zA-Z][\w-]*)(\s[^<>]*)?\/?>/;

/**
 * A conservative subset of Telegram's HTML parser: unknown tags (e.g. <br>), a bare "<" and
 * unbalanced tags are errors. Returns the error description or null.
 */
function htmlError(text) {
  const open = [];
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const match = TAG_RE.exec(text.slice(i));
    if (!match) return `can't parse entities: unexpected "<" at offset ${i}`;
    const [, closing, name] = match;
    const tag = name.toLowerCase();
    if (!HTML_TAGS.has(tag)) {
      const kind = closing ? 'end' : 'start';
      return `can't parse entities: Unsupported ${kind} tag "${tag}" at offset ${i}`;
    }
    if (!closing) open.push(tag);
    else if (open.pop() !== tag) {
      return `can't parse entities: Unmatched end tag "${tag}" at offset ${i}`;
    }
  }
  if (open.length) {
    return `can't parse entities: Can't find end tag corresponding to start tag "${open.pop()}"`;
  }
  return null;
}

/** Visible text length: HTML markup does not count towards Telegram's 4096 limit. */
function visibleLength(text, parseMode) {
  if (String(parseMode).toUpperCase() !== 'HTML') return text.length;
  return text.replace(/<[^>]*>/g, '').replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, '_').length;
}

function checkText(text, parseMode) {
  if (typeof text !== 'string' || text.trim() === '') throw new BadRequest('message text is empty');
  if (String(parseMode).toUpperCase() === 'HTML') {
    const error = htmlError(text);
    if (error) throw new BadRequest(error);
  }
  if (visibleLength(text, parseMode) > MAX_TEXT_LENGTH) throw new BadRequest('message is too long');
}

// ---------------------------------------------------------------------------------------------
// Emulator state kept next to the package's storage
// ---------------------------------------------------------------------------------------------

function freshState() {
  return {
    chats: new Map(), // chat id (string) -> Chat learnt from the user side
    faults: [], // FIFO of {status, remaining, methods, retryAfter, token, description}
    calls: [], // bot API calls except getUpdates, for assertions
    callbackAnswers: [],
    inlineAnswers: new Map(), // inline_query_id -> answerInlineQuery parameters
    commands: new Map(), // token|scope|language -> BotCommand[]
    inlineQueryId: 1,
    files: new Map(), // file_id -> {buffer, file_path, file_unique_id} (photos the bot sent, documents users sent)
    fileNumber: 1,
  };
}

function createEmulator(server) {
  let state = freshState();

  const chatFor = (chatId) => state.chats.get(String(chatId))
    || { id: toChatId(chatId), type: 'private', first_name: 'User' };

  const rememberChat = (chat) => state.chats.set(String(chat.id), chat);

  /** Bot messages live in the package's storage, so its own routes keep seeing them. */
  const botRecords = (token, chatId) => server.storage.botMessages.filter((r) => r.botToken === token
    && (chatId === undefined || String(r.message.chat_id) === String(chatId)));

  const findBotRecord = (token, chatId, messageId) => botRecords(token, chatId)
    .find((r) => r.messageId === Number(messageId) && !r.deleted);

  function findUserMessage(token, chatId, messageId) {
    const update = server.storage.userMessages.find((u) => u.botToken === token && u.message
      && String(u.message.chat.id) === String(chatId) && u.message.message_id === Number(messageId));
    return update && update.message;
  }

  function findAnyMessage(token, chatId, messageId) {
    const record = findBotRecord(token, chatId, messageId);
    return record ? record.telegram : findUserMessage(token, chatId, messageId);
  }

  /** The user-side view: the Telegram message plus what the test needs to check formatting. */
  const messageView = (record) => ({
    ...record.telegram,
    // null rather than absent, so every view has the same keys.
    reply_markup: record.message.reply_markup || null, // any keyboard kind, not just inline ones
    parse_mode: record.message.parse_mode || null,
    link_preview_options: record.message.link_preview_options || null,
    history: record.history,
    deleted: Boolean(record.deleted),
  });

  // Telegram's Message.reply_markup only ever holds an inline keyboard.
  const inlineOnly = (markup) => (markup && markup.inline_keyboard ? markup : undefined);

  const sameMarkup = (a, b) => JSON.stringify(a || null) === JSON.stringify(b || null);

  // ---------------- user updates ----------------

  /**
   * Queues an update for the bot. Ids are taken synchronously: the package's addUserMessage
   * bumps messageId after an await, so concurrent webhook deliveries could share ids.
   */
  async function pushUpdate(token, payload, extra = {}) {
    const updateId = server.updateId;
    server.updateId += 1;
    const entry = {
      time: Date.now(), botToken: token, updateId, isRead: false, payload, ...extra,
    };
    const webhook = server.webhooks[token];
    if (!webhook) {
      server.storage.userMessages.push(entry);
    } else {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(webhook.secret_token && { 'x-telegram-bot-api-secret-token': webhook.secret_token }),
        },
        body: JSON.stringify({ update_id: updateId, ...payload }),
      });
      if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    }
    return { update_id: updateId, ...payload };
  }

  // ---------------- bot methods ----------------

  function storeBotMessage(token, params) {
    const messageId = server.messageId;
    server.messageId += 1;
    const telegram = {
      message_id: messageId,
      from: botUser(token),
      chat: chatFor(params.chat_id),
      date: nowS(), // the package answered with milliseconds: PTB then fails with "year out of range"
      text: params.text,
    };
    if (params.entities) telegram.entities = params.entities;
    if (inlineOnly(params.reply_markup)) telegram.reply_markup = params.reply_markup;
    const replyTo = params.reply_parameters && params.reply_parameters.message_id;
    const replied = replyTo && findAnyMessage(token, params.chat_id, replyTo);
    if (replied) telegram.reply_to_message = replied;
    // Same shape as the package's own records (+ telegram/history) so its routes keep working.
    server.storage.botMessages.push({
      time: Date.now(),
      botToken: token,
      message: params,
      updateId: server.updateId,
      messageId,
      isRead: false,
      telegram,
      history: [],
    });
    server.updateId += 1;
    server.emit('AddedBotMessage');
    return telegram;
  }

  function sendMessage(token, params) {
    if (params.chat_id === undefined || params.chat_id === '') throw new BadRequest('chat not found');
    checkText(params.text, params.parse_mode);
    return storeBotMessage(token, params);
  }

  /** Keeps a file's bytes so getFile and the download route can serve them. */
  function storeFile(buffer, folder, name) {
    const number = state.fileNumber;
    state.fileNumber += 1;
    const fileId = `file-${number}`;
    const filePath = `${folder}/file_${number}${name && name.includes('.') ? name.slice(name.lastIndexOf('.')) : ''}`;
    state.files.set(fileId, { buffer, file_path: filePath, file_unique_id: `u${number}` });
    return { file_id: fileId, file_unique_id: `u${number}`, file_size: buffer.length };
  }

  /** PNG width and height from its IHDR chunk (bytes 16-23); 0 when it is not a PNG. */
  function pngSize(buffer) {
    const png = buffer.length > 24 && buffer.readUInt32BE(0) === 0x89504e47;
    return png ? { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) } : { width: 0, height: 0 };
  }

  function sendPhoto(token, params, files) {
    if (params.chat_id === undefined || params.chat_id === '') throw new BadRequest('chat not found');
    const upload = files && files.photo;
    if (!upload) throw new BadRequest('there is no photo in the request');
    if (params.caption !== undefined) checkText(params.caption, params.parse_mode);
    const stored = storeFile(upload.buffer, 'photos', upload.filename || 'photo.png');
    const message = storeBotMessage(token, { ...params, text: undefined });
    message.photo = [{ ...stored, ...pngSize(upload.buffer) }];
    if (params.caption !== undefined) message.caption = params.caption;
    return message;
  }

  function getFile(token, params) {
    const file = state.files.get(String(params.file_id || ''));
    if (!file) throw new BadRequest('invalid file_id');
    return { file_id: params.file_id, file_unique_id: file.file_unique_id, file_size: file.buffer.length,
      file_path: file.file_path };
  }

  /** Shared by editMessageText/editMessageReplyMarkup: keeps the previous versions. */
  function editRecord(token, params, changes) {
    if (params.inline_message_id) return true; // inline messages are not stored
    const record = findBotRecord(token, params.chat_id, params.message_id);
    if (!record) throw new BadRequest('message to edit not found');
    const { telegram } = record;
    const text = changes.text === undefined ? telegram.text : changes.text;
    if (text === telegram.text && sameMarkup(changes.reply_markup, telegram.reply_markup)) {
      throw new BadRequest('message is not modified: specified new message content and reply '
        + 'markup are exactly the same as a current content and reply markup of the message');
    }
    record.history.push({
      text: telegram.text,
      parse_mode: record.message.parse_mode,
      reply_markup: record.message.reply_markup,
      edit_date: telegram.edit_date,
    });
    // Telegram drops the inline keyboard when an edit does not resend it.
    record.message = { ...record.message, ...changes, reply_markup: changes.reply_markup };
    record.telegram = { ...telegram, text, edit_date: nowS() };
    if (changes.entities !== undefined || changes.text !== undefined) {
      record.telegram.entities = changes.entities;
    }
    record.telegram.reply_markup = inlineOnly(changes.reply_markup);
    server.emit('EditedMessageText');
    return record.telegram; // the package answered null, which PTB cannot parse
  }

  function editMessageText(token, params) {
    checkText(params.text, params.parse_mode);
    const { text, parse_mode, entities, reply_markup, link_preview_options } = params;
    return editRecord(token, params, { text, parse_mode, entities, reply_markup, link_preview_options });
  }

  function editMessageReplyMarkup(token, params) {
    return editRecord(token, params, { reply_markup: params.reply_markup });
  }

  function deleteMessage(token, params) {
    const record = findBotRecord(token, params.chat_id, params.message_id);
    if (record) {
      record.deleted = true; // kept so tests can see that the bot deleted it
      return true;
    }
    const before = server.storage.userMessages.length;
    server.storage.userMessages = server.storage.userMessages.filter((u) => !(u.botToken === token
      && u.message && String(u.message.chat.id) === String(params.chat_id)
      && u.message.message_id === params.message_id));
    if (server.storage.userMessages.length === before) {
      throw new BadRequest('message to delete not found');
    }
    return true;
  }

  const commandKey = (token, params) => JSON.stringify([token, params.scope || { type: 'default' },
    params.language_code || '']);

  function setMyCommands(token, params) {
    const commands = params.commands || [];
    if (!Array.isArray(commands) || commands.length > 100) throw new BadRequest('BOT_COMMANDS_TOO_MUCH');
    for (const command of commands) {
      // Telegram rejects upper case, dashes and leading slashes in command names.
      if (!/^[a-z0-9_]{1,32}$/.test(command.command || '')) throw new BadRequest('BOT_COMMAND_INVALID');
      const description = command.description || '';
      if (description.length < 1 || description.length > 256) {
        throw new BadRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    state.commands.set(commandKey(token, params), commands);
    return true;
  }

  function answerInlineQuery(token, params) {
    const results = params.results || [];
    if (!Array.isArray(results) || results.length > 50) throw new BadRequest('RESULTS_TOO_MUCH');
    state.inlineAnswers.set(String(params.inline_query_id), { ...params, results, botToken: token });
    return true;
  }

  function setWebhook(token, params) {
    dropPendingIfAsked(token, params);
    if (!params.url) server.deleteWebhook(token); // an empty url removes the webhook, as on Telegram
    else server.setWebhook(params, token);
    return true;
  }

  function dropPendingIfAsked(token, params) {
    if (String(params.drop_pending_updates) !== 'true') return;
    server.storage.userMessages.forEach((u) => { if (u.botToken === token) u.isRead = true; });
  }

  function deleteWebhook(token, params) {
    server.deleteWebhook(token);
    dropPendingIfAsked(token, params);
    return true;
  }

  const pendingCount = (token) => server.storage.userMessages
    .filter((u) => u.botToken === token && !u.isRead).length;

  /** Methods a PTB bot commonly calls that the package answered with HTTP 500 or null. */
  const botMethods = {
    getMe: (token) => ({
      ...botUser(token), // the package's getMe lacked is_bot, so PTB's initialize() failed
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
    }),
    sendMessage,
    sendPhoto,
    getFile,
    editMessageText,
    editMessageReplyMarkup,
    deleteMessage,
    answerCallbackQuery: (token, params) => {
      state.callbackAnswers.push({ ...params, botToken: token, time: Date.now() });
      return true;
    },
    answerInlineQuery,
    setMyCommands,
    getMyCommands: (token, params) => state.commands.get(commandKey(token, params)) || [],
    deleteMyCommands: (token, params) => state.commands.delete(commandKey(token, params)) || true,
    sendChatAction: () => true,
    setMyDescription: () => true,
    setMyShortDescription: () => true,
    setMyName: () => true,
    setChatMenuButton: () => true,
    getChat: (_token, params) => chatFor(params.chat_id),
    setWebhook,
    deleteWebhook,
    getWebhookInfo: (token) => ({
      url: (server.webhooks[token] && server.webhooks[token].url) || '',
      has_custom_certificate: false,
      pending_update_count: pendingCount(token),
    }),
  };

  // ---------------- user side ----------------

  function requireUser(body) {
    if (!body.botToken) throw new BadRequest('botToken is required');
    if (!body.from || body.from.id === undefined) throw new BadRequest('from.id is required');
    return { is_bot: false, first_name: `User${body.from.id}`, ...body.from };
  }

  /** A leading "/word" is a command only with a bot_command entity, as Telegram sends it. */
  function commandEntities(text) {
    const match = /^\/\S+/.exec(text || '');
    return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : undefined;
  }

  async function userMessage(body) {
    const from = requireUser(body);
    const chat = body.chat || { id: from.id, type: 'private', first_name: from.first_name };
    chat.id = toChatId(chat.id);
    rememberChat(chat);
    const messageId = server.messageId;
    server.messageId += 1;
    // Telegram dates are seconds; accept a caller's Date.now() milliseconds too.
    const date = body.date > 1e11 ? Math.floor(body.date / 1000) : (body.date || nowS());
    const message = { message_id: messageId, from, chat, date, text: body.text };
    const entities = body.entities || commandEntities(body.text);
    if (entities) message.entities = entities;
    const replied = typeof body.reply_to_message === 'number'
      ? findAnyMessage(body.botToken, chat.id, body.reply_to_message) : body.reply_to_message;
    if (replied) message.reply_to_message = replied;
    return pushUpdate(body.botToken, { message }, { message, messageId });
  }

  /** A user sends a file (body.document: {file_name, mime_type, content_base64}, caption). */
  async function userDocument(body) {
    const from = requireUser(body);
    const chat = body.chat || { id: from.id, type: 'private', first_name: from.first_name };
    chat.id = toChatId(chat.id);
    rememberChat(chat);
    const given = body.document || {};
    const buffer = Buffer.from(given.content_base64 || '', 'base64');
    const stored = storeFile(buffer, 'documents', given.file_name || 'document');
    const messageId = server.messageId;
    server.messageId += 1;
    const document = { ...stored, file_name: given.file_name, mime_type: given.mime_type || 'application/octet-stream' };
    if (given.file_size !== undefined) document.file_size = given.file_size; // a size Telegram reports, for limit tests
    const message = { message_id: messageId, from, chat, date: nowS(), document };
    if (body.caption) message.caption = body.caption;
    return pushUpdate(body.botToken, { message }, { message, messageId });
  }

  /**
   * A button press. `message` may be just {message_id, chat: {id}}: the stored bot message
   * (current version) is used when it exists, so the bot sees what the user saw.
   */
  async function userCallback(body) {
    const from = requireUser(body);
    const given = body.message || {};
    const chatId = given.chat ? given.chat.id : body.chatId;
    const messageId = given.message_id !== undefined ? given.message_id : body.messageId;
    if (chatId === undefined || messageId === undefined) {
      throw new BadRequest('message.message_id and message.chat.id are required');
    }
    const stored = findBotRecord(body.botToken, chatId, messageId);
    // A message the emulator never stored still needs a full chat (with its type) for PTB.
    const message = stored ? stored.telegram : { date: nowS(), ...given, chat: chatFor(chatId) };
    const callbackId = server.callbackId;
    server.callbackId += 1;
    const callbackQuery = {
      id: String(callbackId),
      from,
      message,
      // Required by PTB; the package left it out and PTB dropped the update with a TypeError.
      chat_instance: body.chat_instance || `chat-instance-${chatId}`,
      data: body.data,
    };
    return pushUpdate(body.botToken, { callback_query: callbackQuery }, { callbackQuery, callbackId });
  }

  async function userInlineQuery(body) {
    const from = requireUser(body);
    const inlineQuery = {
      id: String(state.inlineQueryId),
      from,
      query: body.query || '',
      offset: body.offset || '',
    };
    state.inlineQueryId += 1;
    if (body.chat_type) inlineQuery.chat_type = body.chat_type;
    return pushUpdate(body.botToken, { inline_query: inlineQuery });
  }

  // ---------------- faults and call log ----------------

  function addFault(body) {
    const status = Number(body.status);
    const count = Number(body.count === undefined ? 1 : body.count);
    if (!(status >= 400 && status <= 599) || !(count >= 1)) {
      throw new BadRequest('status 4xx/5xx and count >= 1 required');
    }
    // No default: "all methods" would include getUpdates and stall polling, so say it explicitly.
    if (!Array.isArray(body.methods) || body.methods.length === 0) {
      throw new BadRequest('methods is required: bot method names, or ["*"] for all (getUpdates too)');
    }
    state.faults.push({
      status,
      remaining: count,
      methods: body.methods.map((m) => String(m).toLowerCase()),
      retryAfter: Number(body.retry_after || 1),
      token: body.token,
      description: body.description,
    });
    return state.faults;
  }

  /** Takes one use of the first matching fault rule, FIFO, so 2x500 then 1x429 play in order. */
  function takeFault(token, method) {
    const name = method.toLowerCase();
    const rule = state.faults.find((f) => f.remaining > 0 && (!f.token || f.token === token)
      && (f.methods.includes('*') || f.methods.includes(name)));
    if (!rule) return null;
    rule.remaining -= 1; // used-up rules are dropped below
    state.faults = state.faults.filter((f) => f.remaining > 0);
    return rule;
  }

  function answerFault(res, rule) {
    if (rule.status === 429) {
      const description = rule.description || `Too Many Requests: retry after ${rule.retryAfter}`;
      return fail(res, 429, description, { retry_after: rule.retryAfter });
    }
    const phrases = {
      400: 'Bad Request', 403: 'Forbidden', 500: 'Internal Server Error', 502: 'Bad Gateway',
    };
    return fail(res, rule.status, rule.description || phrases[rule.status] || 'Error');
  }

  function logCall(token, method, params) {
    if (method.toLowerCase() === 'getupdates') return;
    state.calls.push({ method, botToken: token, params, time: Date.now() });
    if (state.calls.length > MAX_CALL_LOG) state.calls.shift();
  }

  // ---------------- control ----------------

  function reset() {
    server.storage.userMessages = [];
    server.storage.botMessages = [];
    server.webhooks = {};
    // Counters are kept: ids stay unique across resets, so PTB's offset never goes backwards.
    const { inlineQueryId, fileNumber } = state;
    state = { ...freshState(), inlineQueryId, fileNumber };
    return true;
  }

  return {
    botMethods,
    userMessage,
    userDocument,
    userCallback,
    fileBytes: (filePath) => {
      for (const file of state.files.values()) if (file.file_path === filePath) return file.buffer;
      return null;
    },
    fileById: (fileId) => state.files.get(String(fileId)) || null,
    userInlineQuery,
    addFault,
    takeFault,
    answerFault,
    logCall,
    reset,
    messages: (token, chatId) => botRecords(token, chatId).map(messageView)
      .sort((a, b) => a.message_id - b.message_id),
    calls: (token, method) => state.calls.filter((c) => (!token || c.botToken === token)
      && (!method || c.method.toLowerCase() === method.toLowerCase())),
    callbackAnswers: (token) => state.callbackAnswers.filter((a) => !token || a.botToken === token),
    inlineAnswer: (queryId) => state.inlineAnswers.get(String(queryId)) || null,
    faults: () => state.faults,
    clearFaults: () => { state.faults = []; return true; },
  };
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

/** Runs a handler and turns BadRequest (and bugs) into Telegram-shaped errors, never a crash. */
function answer(res, produce) {
  Promise.resolve()
    .then(produce)
    .then((result) => ok(res, result))
    .catch((error) => {
      if (error instanceof BadRequest) return fail(res, 400, `Bad Request: ${error.message}`);
      process.stderr.write(`emulator: ${error.stack || error}\n`);
      return fail(res, 500, `Internal Server Error: ${error.message}`);
    });
}

function buildApp(server, emulator) {
  const app = express();
  // Parsed here with room for long texts and inline results; the package's own 100 kB parsers
  // then see req._body and skip.
  app.use(express.json({ limit: '10mb' }));
  app.use(express.urlencoded({ extended: true, limit: '10mb' }));

  // PTB uploads files (sendPhoto) as multipart/form-data: fields into req.body, files into req.files.
  app.all('/bot:token/:method', (req, res, next) => {
    if (!(req.headers['content-type'] || '').startsWith('multipart/form-data')) return next();
    const parser = busboy({ headers: req.headers, limits: { fileSize: 60 * 1024 * 1024 } });
    req.body = {};
    req.files = {};
    parser.on('field', (name, value) => { req.body[name] = value; });
    parser.on('file', (name, stream, info) => {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => { req.files[name] = { buffer: Buffer.concat(chunks), filename: info.filename, mimetype: info.mimeType }; });
    });
    parser.on('close', () => next());
    parser.on('error', (error) => fail(res, 400, `Bad Request: ${error.message}`));
    req.pipe(parser);
    return undefined;
  });

  app.all('/bot:token/:method', (req, res, next) => {
    const { token, method } = req.params;
    let params;
    try {
      params = parseParams({ ...req.query, ...req.body });
    } catch (error) {
      return fail(res, 400, `Bad Request: ${error.message}`);
    }
    emulator.logCall(token, method, params);
    const rule = emulator.takeFault(token, method);
    if (rule) return emulator.answerFault(res, rule);
    req.botParams = params;
    return next();
  });

  for (const [method, handler] of Object.entries(emulator.botMethods)) {
    app.all(`/bot:token/${method}`,
      (req, res) => answer(res, () => handler(req.params.token, req.botParams, req.files)));
  }

  // Downloads, as Telegram serves them: GET /file/bot<token>/<file_path>.
  app.get(/^\/file\/bot([^/]+)\/(.+)$/, (req, res) => {
    const buffer = emulator.fileBytes(decodeURIComponent(req.params[1]));
    if (!buffer) return res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' });
    res.set('Content-Type', 'application/octet-stream');
    return res.send(buffer);
  });

  // User side. The package's versions did not await their work (a bad request became an
  // unhandled rejection) and answered null; these answer with the update they queued.
  const route = (verb, path, produce) => app[verb](path, (req, res) => answer(res, () => produce(req)));
  route('post', ['/sendMessage', '/sendCommand'], (req) => emulator.userMessage(req.body));
  route('post', '/sendCallback', (req) => emulator.userCallback(req.body));
  route('post', '/sendDocument', (req) => emulator.userDocument(req.body));
  route('post', '/sendInlineQuery', (req) => emulator.userInlineQuery(req.body));

  // Test-only routes.
  route('get', '/control/messages', (req) => emulator.messages(req.query.token, req.query.chatId));
  route('get', '/control/calls', (req) => emulator.calls(req.query.token, req.query.method));
  route('get', '/control/callbackAnswers', (req) => emulator.callbackAnswers(req.query.token));
  route('get', '/control/inlineAnswers', (req) => emulator.inlineAnswer(req.query.queryId));
  route('get', '/control/faults', () => emulator.faults());
  route('get', '/control/file', (req) => {
    const file = emulator.fileById(req.query.fileId);
    if (!file) throw new BadRequest('no such file');
    return { file_path: file.file_path, base64: file.buffer.toString('base64') };
  });
  route('post', '/control/faults', (req) => emulator.addFault(req.body));
  route('delete', '/control/faults', () => emulator.clearFaults());
  route('post', '/control/reset', () => emulator.reset());

  app.use(server.webServer); // everything else: the package's routes and catch-all
  return app;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

function patchFormatUpdate() {
  // The package's formatter drops chat_instance and knows no inline queries; updates queued by
  // this launcher carry their final Telegram payload.
  const original = TelegramServer.formatUpdate;
  TelegramServer.formatUpdate = (update) => (update.payload
    ? { update_id: update.updateId, ...update.payload }
    : original(update));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Node 20 exits on an unhandled rejection; one bad request must not kill the emulator.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`emulator: unhandled rejection: ${(reason && reason.stack) || reason}\n`);
  });

  patchFormatUpdate();
  const server = new TelegramServer({
    host: args.host, port: args.port, storeTimeout: STORE_TIMEOUT_S,
  });
  server.config.port = args.port; // normalizeConfig turns port 0 into 9000
  server.webServer = buildApp(server, createEmulator(server)); // start() serves this.webServer
  await server.start();

  const { port } = server.server.address();
  server.config.apiURL = `${server.config.protocol}://${args.host}:${port}`;
  process.stdout.write(`${JSON.stringify({ ready: true, port, url: server.config.apiURL })}\n`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 2000).unref(); // never hang on a stuck connection
    await server.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (args.watchStdin) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
}

main().catch((error) => {
  process.stderr.write(`emulator failed to start: ${error.stack || error}\n`);
  process.exit(1);
});
