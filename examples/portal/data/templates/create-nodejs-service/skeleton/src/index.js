import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? ${{ values.port }});

createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ service: ${{ values.name | dump }}, path: req.url }));
}).listen(port, () => console.log(${{ (values.name ~ ' listening on ') | dump }} + port));
