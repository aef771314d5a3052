/** How a notice is sent: generic JSON, or a WeCom (WeChat Work) group robot message. */
export type NotifyFormat = 'json' | 'wecom' | 'wecom_text';

/** A notice with what the notifier adds to it. */
export interface NoticeBody {
  service: string;
  serverId: string;
  /** What happened, e.g. `script_failed`, `error_burst`. */
  kind: string;
  title: string;
  text: string;
  /** ISO time it was sent. */
  at: string;
  /** Same notices held back by the repeat limit since the last one sent. */
  suppressed: number;
}

// WeCom robot limits, in UTF-8 bytes: markdown content 4096, text content 2048.
const WECOM_MARKDOWN_BYTES = 4096;
const WECOM_TEXT_BYTES = 2048;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const cut = Buffer.from(text)
    .subarray(0, maxBytes - 3)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return `${cut}...`;
}

function markdown(n: NoticeBody): string {
  const lines = [
    `**${n.title}**`,
    `> service: <font color="comment">${n.service} (${n.serverId})</font>`,
    `> kind: <font color="warning">${n.kind}</font>`,
    `> at: ${n.at}`,
  ];
  if (n.suppressed) lines.push(`> <font color="comment">${n.suppressed} more like it held back</font>`);
  return `${lines.join('\n')}\n\n${n.text}`;
}

function plain(n: NoticeBody): string {
  const more = n.suppressed ? ` (+${n.suppressed} held back)` : '';
  return `[${n.service} ${n.serverId}] ${n.title}${more}\n${n.at} ${n.kind}\n${n.text}`;
}

/** The request body for `format`: `{msgtype, markdown|text}` for WeCom, else the notice as snake_case JSON. */
export function formatNotice(format: NotifyFormat, n: NoticeBody): Record<string, unknown> {
  if (format === 'wecom') return { msgtype: 'markdown', markdown: { content: fitBytes(markdown(n), WECOM_MARKDOWN_BYTES) } };
  if (format === 'wecom_text') return { msgtype: 'text', text: { content: fitBytes(plain(n), WECOM_TEXT_BYTES) } };
  return {
    service: n.service,
    server_id: n.serverId,
    kind: n.kind,
    title: n.title,
    text: n.text,
    at: n.at,
    suppressed: n.suppressed,
  };
}
