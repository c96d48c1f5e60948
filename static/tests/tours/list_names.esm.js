/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

/**
 * The names in the columns `columns` of the list `list` (a selector) are read
 * in full: no cell cuts its text (an ellipsis, or text hidden past the cell's
 * edge, even by a fraction of a pixel: Chromium then draws "Maintenan…"), the
 * list does not scroll sideways, and each of `names` is the whole text of one
 * of these cells. Throws an error naming the cut cells.
 *
 * @param {String} list
 * @param {String[]} columns
 * @param {String[]} names
 */
export function checkNamesReadable(list, columns, names) {
    const renderer = document.querySelector(`${list} .o_list_renderer`);
    if (!renderer) {
        throw new Error(`no list ${list}`);
    }
    const problems = [];
    if (renderer.scrollWidth > renderer.clientWidth + 1) {
        problems.push(
            `the list scrolls sideways (${renderer.scrollWidth}px in ${renderer.clientWidth}px)`
        );
    }
    const texts = new Set();
    for (const column of columns) {
        const cells = document.querySelectorAll(`${list} .o_data_row td[name='${column}']`);
        if (!cells.length) {
            problems.push(`no cell in column ${column}`);
        }
        for (const cell of cells) {
            const text = cell.innerText.replace(/\s+/g, " ").trim();
            texts.add(text);
            const style = getComputedStyle(cell);
            const box = cell.getBoundingClientRect();
            const left = box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth);
            const right = box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
            // The text's lines as laid out, before any ellipsis is drawn.
            const range = document.createRange();
            range.selectNodeContents(cell);
            const lines = [...range.getClientRects()].filter((rect) => rect.width);
            const past = Math.max(0, ...lines.map((rect) => Math.max(rect.right - right, left - rect.left)));
            const scrolled = [cell, ...cell.querySelectorAll("*")].filter(
                (el) => el.scrollWidth > el.clientWidth + 1
            );
            if (past > 0.05 || scrolled.length) {
                problems.push(
                    `${column} "${text}" is cut: its text passes the cell's edge by ${past.toFixed(2)}px` +
                        ` (cell ${box.width.toFixed(1)}px wide${scrolled.length ? ", text scrolled" : ""})`
                );
            }
        }
    }
    for (const name of names) {
        if (!texts.has(name)) {
            problems.push(`"${name}" is not the whole text of a cell of ${columns.join(", ")}`);
        }
    }
    if (problems.length) {
        throw new Error(`names cut in ${list}: ${problems.join("; ")}`);
    }
}
