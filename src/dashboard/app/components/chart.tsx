/**
 * Throughput per minute as SVG bars (completed up, failed down from the same baseline). Fifteen
 * buckets per queue do not need a charting library; SVG scales crisply, follows the theme's CSS
 * colours, and needs no inline style (the server's CSP allows none).
 */
export function ThroughputChart({
  completed,
  failed,
  label,
}: {
  completed: number[];
  failed: number[];
  label: string;
}) {
  const n = Math.max(completed.length, 1);
  const max = Math.max(1, ...completed, ...failed);
  const w = 300;
  const h = 80;
  const mid = h * 0.7;
  const bw = w / n;
  const total = completed.reduce((a, b) => a + b, 0);
  const fails = failed.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${w} ${h}`}
        role="img"
        aria-label={`${label}: ${total} completed, ${fails} failed in ${n} minutes`}
      >
        <line x1={0} x2={w} y1={mid} y2={mid} class="axis" />
        {completed.map((v, i) => {
          const bh = (v / max) * (mid - 2);
          return <rect key={`c${i}`} class="ok" x={i * bw + 1} y={mid - bh} width={bw - 2} height={bh} />;
        })}
        {failed.map((v, i) => {
          const bh = (v / max) * (h - mid - 2);
          return <rect key={`f${i}`} class="fail" x={i * bw + 1} y={mid} width={bw - 2} height={bh} />;
        })}
      </svg>
      <figcaption>
        <span class="ok-text">{total} completed</span> · <span class="fail-text">{fails} failed</span> · last{" "}
        {n} min
      </figcaption>
    </figure>
  );
}
