/** A small Chart.js line-chart wrapper: create once, update data in place (no flicker on live refresh). */
import {
  CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

export interface Series {
  label: string;
  data: (number | null)[];
  color: string;
  dashed?: boolean;
  stepped?: boolean;
}

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
export const color = (i: number) => PALETTE[i % PALETTE.length]!;

export function LineChart(props: { labels: string[]; series: Series[]; yLabel?: string; title: string; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line'> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: {
          x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } },
          y: { beginAtZero: true, ...(props.yLabel ? { title: { display: true, text: props.yLabel } } : {}) },
        },
      },
    });
    return () => { chart.current?.destroy(); chart.current = null; };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = props.labels;
    c.data.datasets = props.series.map((s) => ({
      label: s.label, data: s.data, borderColor: s.color, backgroundColor: s.color, borderWidth: 2,
      pointRadius: props.labels.length > 40 ? 0 : 2, stepped: s.stepped ?? false, spanGaps: true,
      ...(s.dashed ? { borderDash: [6, 4] } : {}),
    }));
    c.update();
  }, [props.labels, props.series]);

  return (
    <figure className="chart" style={{ height: props.height ?? 260 }}>
      <canvas ref={canvas} role="img" aria-label={props.title} />
    </figure>
  );
}
