"""gru, gruCell, lstm and lstmCell against numpy implementations of the spec's equations."""
import numpy as np
import pytest

from conftest import assert_close, random, run


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gru_step(x, h, w, r, b, rb, reset_after):
    """One step, gates in zrn order; w: [3h, in], r: [3h, h]."""
    hs = h.shape[1]
    gx = x @ w.T + b
    z = sigmoid(gx[:, :hs] + h @ r[:hs].T + rb[:hs])
    reset = sigmoid(gx[:, hs:2 * hs] + h @ r[hs:2 * hs].T + rb[hs:2 * hs])
    if reset_after:
        n = np.tanh(gx[:, 2 * hs:] + reset * (h @ r[2 * hs:].T + rb[2 * hs:]))
    else:
        n = np.tanh(gx[:, 2 * hs:] + (reset * h) @ r[2 * hs:].T + rb[2 * hs:])
    return (1 - z) * n + z * h


def lstm_step(x, h, c, w, r, b, rb, p):
    """One step, gates in iofg order; p: peephole [3h] in i, o, f order."""
    hs = h.shape[1]
    g = x @ w.T + h @ r.T + b + rb
    i = sigmoid(g[:, :hs] + p[:hs] * c)
    f = sigmoid(g[:, 2 * hs:3 * hs] + p[2 * hs:] * c)
    cell = np.tanh(g[:, 3 * hs:])
    c_new = f * c + i * cell
    o = sigmoid(g[:, hs:2 * hs] + p[hs:2 * hs] * c_new)
    return o * np.tanh(c_new), c_new


def gate_blocks(a, order, axis):
    """Rearranges gate blocks from WebNN's alternative layout into the default one for the reference."""
    blocks = np.split(a, len(order), axis=axis)
    return np.concatenate([blocks[i] for i in order], axis=axis)


@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("layout", ["zrn", "rzn"])
def test_gru(context, direction, reset_after, layout):
    steps, batch, inputs, hidden = 3, 2, 4, 5
    dirs = 2 if direction == "both" else 1
    x = random("float32", (steps, batch, inputs), -1, 1, seed=1)
    w = random("float32", (dirs, 3 * hidden, inputs), -1, 1, seed=2)
    r = random("float32", (dirs, 3 * hidden, hidden), -1, 1, seed=3)
    b = random("float32", (dirs, 3 * hidden), -1, 1, seed=4)
    rb = random("float32", (dirs, 3 * hidden), -1, 1, seed=5)
    h0 = random("float32", (dirs, batch, hidden), -1, 1, seed=6)
    # The reference works in zrn; with layout rzn the operands hold r first.
    to_zrn = [1, 0, 2] if layout == "rzn" else [0, 1, 2]
    hidden_out, sequence = run(context, lambda g, a, wa, ra, ba, rba, ha: g.gru(
        a, wa, ra, steps, hidden, bias=ba, recurrent_bias=rba, initial_hidden_state=ha, reset_after=reset_after,
        return_sequence=True, direction=direction, layout=layout), x=x, w=w, r=r, b=b, rb=rb, h=h0)
    expected_seq = np.zeros((steps, dirs, batch, hidden))
    expected_h = np.zeros((dirs, batch, hidden))
    for d in range(dirs):
        backward = direction == "backward" or d == 1
        h = h0[d].astype(np.float64)
        wd, rd = gate_blocks(w[d], to_zrn, 0), gate_blocks(r[d], to_zrn, 0)
        bd, rbd = gate_blocks(b[d], to_zrn, 0), gate_blocks(rb[d], to_zrn, 0)
        for t in (reversed(range(steps)) if backward else range(steps)):
            h = gru_step(x[t], h, wd, rd, bd, rbd, reset_after)
            expected_seq[t, d] = h
        expected_h[d] = h
    assert_close(hidden_out, expected_h.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)
    assert_close(sequence, expected_seq.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_gru_cell(context, dtype):
    batch, inputs, hidden = 2, 3, 4
    x = random(dtype, (batch, inputs), -1, 1, seed=7)
    w = random(dtype, (3 * hidden, inputs), -1, 1, seed=8)
    r = random(dtype, (3 * hidden, hidden), -1, 1, seed=9)
    h = random(dtype, (batch, hidden), -1, 1, seed=10)
    b = random(dtype, (3 * hidden,), -1, 1, seed=11)
    actual = run(context, lambda g, a, wa, ra, ha, ba: g.gru_cell(a, wa, ra, ha, hidden, bias=ba), x=x, w=w, r=r, h=h, b=b)
    expected = gru_step(*(v.astype(np.float64) for v in (x, h, w, r, b)), np.zeros(3 * hidden), True)
    assert_close(actual, expected.astype(dtype), dtype, rtol=1e-2 if dtype == "float16" else 1e-4, atol=1e-2 if dtype == "float16" else 1e-5)


@pytest.mark.parametrize("direction", ["forward", "both"])
@pytest.mark.parametrize("layout", ["iofg", "ifgo"])
def test_lstm(context, direction, layout):
    steps, batch, inputs, hidden = 3, 2, 3, 4
    dirs = 2 if direction == "both" else 1
    x = random("float32", (steps, batch, inputs), -1, 1, seed=12)
    w = random("float32", (dirs, 4 * hidden, inputs), -1, 1, seed=13)
    r = random("float32", (dirs, 4 * hidden, hidden), -1, 1, seed=14)
    b = random("float32", (dirs, 4 * hidden), -1, 1, seed=15)
    p = random("float32", (dirs, 3 * hidden), -1, 1, seed=16)
    h0 = random("float32", (dirs, batch, hidden), -1, 1, seed=17)
    c0 = random("float32", (dirs, batch, hidden), -1, 1, seed=18)
    to_iofg = [0, 3, 1, 2] if layout == "ifgo" else [0, 1, 2, 3]
    h_out, c_out, seq = run(context, lambda g, a, wa, ra, ba, pa, ha, ca: g.lstm(
        a, wa, ra, steps, hidden, bias=ba, peephole_weight=pa, initial_hidden_state=ha, initial_cell_state=ca,
        return_sequence=True, direction=direction, layout=layout), x=x, w=w, r=r, b=b, p=p, h=h0, c=c0)
    expected_seq = np.zeros((steps, dirs, batch, hidden))
    for d in range(dirs):
        h, c = h0[d].astype(np.float64), c0[d].astype(np.float64)
        wd, rd, bd = (gate_blocks(v[d], to_iofg, 0) for v in (w, r, b))
        for t in (reversed(range(steps)) if d == 1 else range(steps)):
            h, c = lstm_step(x[t], h, c, wd, rd, bd, np.zeros(4 * hidden), p[d])
            expected_seq[t, d] = h
        assert_close(h_out[d], h.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)
        assert_close(c_out[d], c.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)
    assert_close(seq, expected_seq.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)


def test_lstm_cell(context):
    batch, inputs, hidden = 2, 3, 4
    x = random("float32", (batch, inputs), -1, 1, seed=19)
    w = random("float32", (4 * hidden, inputs), -1, 1, seed=20)
    r = random("float32", (4 * hidden, hidden), -1, 1, seed=21)
    h = random("float32", (batch, hidden), -1, 1, seed=22)
    c = random("float32", (batch, hidden), -1, 1, seed=23)
    rb = random("float32", (4 * hidden,), -1, 1, seed=24)
    h_new, c_new = run(context, lambda g, a, wa, ra, ha, ca, rba: g.lstm_cell(a, wa, ra, ha, ca, hidden, recurrent_bias=rba),
                       x=x, w=w, r=r, h=h, c=c, rb=rb)
    eh, ec = lstm_step(x.astype(np.float64), h, c, w, r, np.zeros(4 * hidden), rb, np.zeros(3 * hidden))
    assert_close(h_new, eh.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)
    assert_close(c_new, ec.astype(np.float32), "float32", rtol=1e-4, atol=1e-5)
