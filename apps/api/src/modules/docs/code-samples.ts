/**
 * curl / JavaScript / Python / PHP samples for the OpenAPI document (`x-codeSamples`, which
 * Redoc shows beside each operation at /docs). Generated from the request each sample sends,
 * so every language sends the same thing.
 */
export interface CodeSample {
  lang: 'Shell' | 'JavaScript' | 'Python' | 'PHP';
  label: string;
  source: string;
}

export function codeSamples(opts: { method: 'GET' | 'POST'; url: string; body?: unknown; show: { js: string; py: string; php: string } }): CodeSample[] {
  const { method, url, body, show } = opts;
  const json = body === undefined ? undefined : JSON.stringify(body);
  const curl = [
    `curl${method === 'GET' ? '' : ` -X ${method}`} ${url}`,
    '  -H "Authorization: Bearer sk-YOUR_KEY"',
    ...(json ? ['  -H "Content-Type: application/json"', `  -d '${json}'`] : []),
  ].join(' \\\n');
  const js = [
    `const res = await fetch("${url}", {`,
    `  method: "${method}",`,
    `  headers: { Authorization: "Bearer sk-YOUR_KEY"${json ? ', "Content-Type": "application/json"' : ''} },`,
    ...(json ? [`  body: JSON.stringify(${json}),`] : []),
    '});',
    'const body = await res.json();',
    'if (body.code !== 0) throw new Error(body.message);',
    `console.log(${show.js});`,
  ].join('\n');
  const py = [
    'import requests',
    '',
    `r = requests.${method.toLowerCase()}(`,
    `    "${url}",`,
    '    headers={"Authorization": "Bearer sk-YOUR_KEY"},',
    ...(json ? [`    json=${pythonLiteral(body)},`] : []),
    '    timeout=30,',
    ')',
    'body = r.json()',
    'if body["code"] != 0:',
    '    raise RuntimeError(body["message"])',
    `print(${show.py})`,
  ].join('\n');
  const php = [
    '<?php',
    `$ch = curl_init("${url}");`,
    'curl_setopt_array($ch, [',
    ...(method === 'POST' ? ['  CURLOPT_POST => true,'] : []),
    '  CURLOPT_RETURNTRANSFER => true,',
    `  CURLOPT_HTTPHEADER => ["Authorization: Bearer sk-YOUR_KEY"${json ? ', "Content-Type: application/json"' : ''}],`,
    ...(json ? [`  CURLOPT_POSTFIELDS => '${json}',`] : []),
    ']);',
    '$body = json_decode(curl_exec($ch), true);',
    'if ($body["code"] !== 0) { throw new Exception($body["message"]); }',
    `print_r(${show.php});`,
  ].join('\n');
  return [
    { lang: 'Shell', label: 'curl', source: curl },
    { lang: 'JavaScript', label: 'JavaScript', source: js },
    { lang: 'Python', label: 'Python', source: py },
    { lang: 'PHP', label: 'PHP', source: php },
  ];
}

/** JSON → Python literal (the bodies here hold only strings, arrays and objects). */
function pythonLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
}
