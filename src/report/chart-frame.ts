import { type ScaleLinear, scaleLinear } from 'd3-scale';

/**
 * The parts every chart of the report shares: document, axes, grid, legend. Charts are static
 * SVG written as strings: d3-scale picks domains and "nice" ticks, d3-shape draws paths, and
 * this file lays them out. No DOM, no browser, no fonts to fetch (generic font families only),
 * so the SVG renders the same in Allure, in a browser and in an image viewer.
 */
/** Every chart's width and the plot's margins (each chart picks its own height). */
export const CHART_WIDTH = 900;
export const PLOT_LEFT = 70;
export const PLOT_RIGHT = 24;

export interface ChartBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** A plot area of the full width between the margins, `top` px down, `height` px tall. */
export function plotBox(top: number, height: number): ChartBox {
  return { left: PLOT_LEFT, top, width: CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT, height };
}

/** The x axis of elapsed time: 0 … `seconds` across the plot's width. */
export function elapsedScale(seconds: number): ScaleLinear<number, number> {
  return scaleLinear().domain([0, seconds]).range([PLOT_LEFT, CHART_WIDTH - PLOT_RIGHT]);
}

/** A y axis from 0 to (a nice value above) `max`, bottom to top of `box`. */
export function valueScale(max: number, box: ChartBox): ScaleLinear<number, number> {
  return scaleLinear().domain([0, max]).nice().range([box.top + box.height, box.top]);
}

/** Tableau 10: distinguishable, colour-blind friendlier than d3's category10. */
export const chartPalette = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;

export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const AXIS_COLOR = '#666';
const GRID_COLOR = '#e6e6e6';

export function colorAt(index: number): string {
  return chartPalette[index % chartPalette.length] as string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[char]};`);
}

/** Short numbers for tick labels: 1200 → 1.2k, 0.25 → 0.25. */
export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (magnitude >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  if (magnitude >= 10 || value === 0) return `${Math.round(value)}`;
  return `${+value.toFixed(2)}`;
}

export function renderSvgDocument(options: { width: number; height: number; title: string; body: string[] }): string {
  const { width, height, title, body } = options;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}" ${FONT} font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="#222">${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** Horizontal grid lines and the left axis with its tick labels and a rotated label. */
export function renderLeftAxis(y: ScaleLinear<number, number>, box: ChartBox, label: string, tickCount = 5): string {
  const parts = y.ticks(tickCount).map((tick) => {
    const position = y(tick).toFixed(1);
    return [
      `<line x1="${box.left}" x2="${box.left + box.width}" y1="${position}" y2="${position}" stroke="${GRID_COLOR}"/>`,
      `<text x="${box.left - 6}" y="${position}" dy="0.32em" text-anchor="end" fill="${AXIS_COLOR}">${formatTick(tick)}</text>`,
    ].join('');
  });
  const middle = box.top + box.height / 2;
  parts.push(
    `<text transform="translate(${box.left - 44},${middle}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(label)}</text>`,
    `<line x1="${box.left}" x2="${box.left}" y1="${box.top}" y2="${box.top + box.height}" stroke="${AXIS_COLOR}"/>`,
  );
  return `<g class="axis-left">${parts.join('')}</g>`;
}

/**
 * The x axis (elapsed seconds) along the bottom of `box`. Without a label only tick marks are
 * drawn: an upper panel shares the lower panel's tick labels.
 */
export function renderBottomAxis(x: ScaleLinear<number, number>, box: ChartBox, label?: string, tickCount = 10): string {
  const baseline = box.top + box.height;
  const parts = x.ticks(tickCount).map((tick) => {
    const position = x(tick).toFixed(1);
    const mark = `<line x1="${position}" x2="${position}" y1="${baseline}" y2="${baseline + 4}" stroke="${AXIS_COLOR}"/>`;
    if (!label) return mark;
    return `${mark}<text x="${position}" y="${baseline + 16}" text-anchor="middle" fill="${AXIS_COLOR}">${formatTick(tick)}</text>`;
  });
  parts.push(`<line x1="${box.left}" x2="${box.left + box.width}" y1="${baseline}" y2="${baseline}" stroke="${AXIS_COLOR}"/>`);
  if (label) {
    parts.push(`<text x="${box.left + box.width / 2}" y="${baseline + 32}" text-anchor="middle" fill="#333">${escapeXml(label)}</text>`);
  }
  return `<g class="axis-bottom">${parts.join('')}</g>`;
}

/**
 * A one-row legend starting at (x, y). Label widths are estimated (no DOM to measure): about
 * 6.2 px per character at 11 px covers the generic sans-serif fonts closely enough.
 */
export function renderLegend(items: LegendItem[], x: number, y: number): string {
  let cursor = x;
  const parts = items.map((item) => {
    const dash = item.dashed ? ' stroke-dasharray="5 3"' : '';
    const entry = [
      `<line x1="${cursor}" x2="${cursor + 18}" y1="${y}" y2="${y}" stroke="${item.color}" stroke-width="3"${dash}/>`,
      `<text x="${cursor + 23}" y="${y}" dy="0.32em" fill="#333">${escapeXml(item.label)}</text>`,
    ].join('');
    cursor += 23 + item.label.length * 6.2 + 16;
    return entry;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

/** Centered message inside an empty panel, so a chart with no data says so instead of lying. */
export function renderEmptyNote(box: ChartBox, message: string): string {
  return `<text x="${box.left + box.width / 2}" y="${box.top + box.height / 2}" text-anchor="middle" fill="#999">${escapeXml(message)}</text>`;
}
