import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The Chromium binary for end-to-end tests: `CHROMIUM_PATH` when set, else the first of
 * `chromium`, `chromium-browser`, `google-chrome` on the PATH.
 * @throws Error with install instructions when none is found.
 */
export function chromiumExecutable(): string {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
		return fromEnv;
	}
	for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
		try {
			const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
			if (path) return path;
		} catch {
			// not on the PATH; try the next name
		}
	}
	throw new Error('No Chromium found. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH to a Chrome/Chromium binary.');
}

/**
 * Flags that make headless Chromium quiet on a closed network (no background requests) and
 * turn on WebGPU through SwiftShader (see TECH-NOTES.md).
 */
export function chromiumArgs(): string[] {
	return [
		'--no-sandbox',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--disable-default-apps',
		'--enable-unsafe-webgpu',
		'--use-webgpu-adapter=swiftshader'
	];
}
