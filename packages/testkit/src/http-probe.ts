import { request } from 'node:http';

/** Both emulators answer `GET /` with 200 "Ok" once they accept requests. */
export function probeEmulator(host: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    // agent: false so no keep-alive socket outlives the probe.
    const req = request(
      `http://${host}/`,
      { method: 'GET', agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'Ok'));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
