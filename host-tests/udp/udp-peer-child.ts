/**
 * A UDP radio peer in its own process, driven over the fork IPC channel
 * (udp-radio.test.ts). Messages in: {cmd:'start', mac, peers} -> {ev:'ready',
 * port}; {cmd:'peer', port}; {cmd:'send', to, hex, id} -> {ev:'sent', id, ok}
 * or {ev:'refused', id, error}; {cmd:'welcome'}: answer every "HELLO" with a
 * unicast "WELCOME"; {cmd:'stats'} -> {ev:'stats', stats, drops};
 * {cmd:'close'} -> closes the socket and exits. Received frames are
 * forwarded as {ev:'recv', from, hex}.
 */
import { createUdpRadio, UdpRadio } from '../../configurator/transport/udp-radio.ts';

var radio: UdpRadio | null = null;
var welcome = false;

function out(m: any): void {
  if (process.send) process.send(m);
}

function fromHex(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}

process.on('message', async function (m: any) {
  try {
    if (m.cmd === 'start') {
      radio = await createUdpRadio({ mac: fromHex(m.mac), peers: m.peers || [] });
      radio.onReceive(function (from, payload) {
        var text = Buffer.from(payload).toString('latin1');
        out({ ev: 'recv', from: Buffer.from(from).toString('hex'), hex: Buffer.from(payload).toString('hex') });
        if (welcome && text === 'HELLO') {
          radio!.send(from, new Uint8Array(Buffer.from('WELCOME', 'latin1')), function (ok) {
            out({ ev: 'served', to: Buffer.from(from).toString('hex'), ok: ok });
          });
        }
      });
      out({ ev: 'ready', port: radio.port });
    } else if (m.cmd === 'peer') {
      radio!.addPeer(m.port);
      out({ ev: 'peered', port: m.port });
    } else if (m.cmd === 'send') {
      try {
        radio!.send(fromHex(m.to), fromHex(m.hex), function (ok) {
          out({ ev: 'sent', id: m.id, ok: ok });
        });
      } catch (e: any) {
        out({ ev: 'refused', id: m.id, error: String(e.message) });
      }
    } else if (m.cmd === 'welcome') {
      welcome = true;
      out({ ev: 'welcoming' });
    } else if (m.cmd === 'stats') {
      out({ ev: 'stats', stats: radio!.stats, drops: radio!.drops });
    } else if (m.cmd === 'close') {
      if (radio) await radio.close();
      out({ ev: 'closed' });
      process.disconnect();
    }
  } catch (e: any) {
    out({ ev: 'error', error: String(e && e.message) });
  }
});
