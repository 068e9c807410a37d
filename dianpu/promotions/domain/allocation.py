"""Split a discount in whole fen across lines so the parts add up exactly.

Proportional to the weights, largest remainder first (ties by position), never more than a
line's cap; what a capped line cannot take goes to the others, and what nobody can take is not
given (the discount shrinks rather than push a line below its floor or zero).
"""


def allocate(total: int, weights: list[int], caps: list[int]) -> list[int]:
    n = len(weights)
    shares = [0] * n
    remaining = min(total, sum(max(0, c) for c in caps))
    open_ = [i for i in range(n) if caps[i] > 0 and weights[i] > 0]
    if not open_:
        open_ = [i for i in range(n) if caps[i] > 0]
        weights = [1] * n
    while remaining > 0 and open_:
        weight_sum = sum(weights[i] for i in open_)
        exact = {i: remaining * weights[i] // weight_sum for i in open_}
        given = sum(exact.values())
        rest = remaining - given
        order = sorted(open_, key=lambda i: (-(remaining * weights[i] % weight_sum), i))
        for i in order[:rest]:
            exact[i] += 1
        over = [i for i in open_ if shares[i] + exact[i] > caps[i]]
        if not over:
            for i in open_:
                shares[i] += exact[i]
            return shares
        for i in over:  # fill the capped lines, share the rest again among the others
            remaining -= caps[i] - shares[i]
            shares[i] = caps[i]
        open_ = [i for i in open_ if i not in over]
    return shares
