// A real SMTP server in the test process (smtp-server on 127.0.0.1) that records what it receives.
import { createServer as createNetServer } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** RCPT TO commands seen, accepted or not: counts delivery attempts that reached the server. */
  rcptAttempts: number;
  close(): Promise<void>;
}

export interface TestSmtpServerOptions {
  port?: number;
  /** Answer RCPT TO with this SMTP reply code and text instead of accepting. */
  rejectRcpt?: { code: number; message: string };
}

export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const state = { rcptAttempts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    // No certificate here: without STARTTLS nodemailer talks plain SMTP as smtp:// allows.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      state.rcptAttempts += 1;
      if (options.rejectRcpt) {
        const error = new Error(options.rejectRcpt.message) as Error & { responseCode: number };
        error.responseCode = options.rejectRcpt.code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    get rcptAttempts() {
      return state.rcptAttempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (connection refused), free to start a server on later. */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
